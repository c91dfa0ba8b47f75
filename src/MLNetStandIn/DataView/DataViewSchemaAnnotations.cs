// DataViewSchema.Annotations: per-column metadata (KeyValues, SlotNames, ...) held as a one-row table
// with its own schema, and its Builder. Ctor internal as in the real package.
using Microsoft.ML.Data;

namespace Microsoft.ML;

public sealed partial class DataViewSchema
{
    /// <summary>Metadata of a column: named values, each with its own type, read through getters.</summary>
    public sealed class Annotations
    {
        private readonly Delegate[] _getters;

        internal Annotations(DataViewSchema schema, Delegate[] getters)
        {
            Schema = schema;
            _getters = getters;
        }

        /// <summary>The schema of the annotation values: one column per annotation kind.</summary>
        public DataViewSchema Schema { get; }

        /// <summary>No annotations.</summary>
        public static Annotations Empty { get; } = new(new DataViewSchema([]), []);

        /// <summary>A getter for annotation <paramref name="column"/> of <see cref="Schema"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The column is not in <see cref="Schema"/>.</exception>
        /// <exception cref="InvalidOperationException"><typeparamref name="TValue"/> is not the column's raw type.</exception>
        public ValueGetter<TValue> GetGetter<TValue>(Column column)
        {
            if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(column), $"Annotation '{column.Name}' is not in this annotation schema.");
            if (_getters[column.Index] is not ValueGetter<TValue> getter)
                throw new InvalidOperationException(
                    $"Invalid TValue in GetGetter: '{typeof(TValue)}', expected type: '{Schema[column.Index].Type.RawType}'.");
            return getter;
        }

        /// <summary>Reads annotation <paramref name="kind"/> into <paramref name="value"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">No annotation of that kind.</exception>
        public void GetValue<TValue>(string kind, ref TValue value)
        {
            var column = Schema.GetColumnOrNull(kind)
                ?? throw new ArgumentOutOfRangeException(nameof(kind), $"Cannot find annotation '{kind}'");
            GetGetter<TValue>(column)(ref value);
        }

        /// <inheritdoc/>
        public override string ToString() => string.Join(", ", Schema.Select(c => c.Name));

        /// <summary>Builds annotations kind by kind.</summary>
        public sealed class Builder
        {
            private readonly List<(DetachedColumn Column, Delegate Getter)> _items = [];

            /// <summary>An empty builder.</summary>
            public Builder()
            {
            }

            /// <summary>Adds the annotations of <paramref name="annotations"/> whose kind passes <paramref name="selector"/>.</summary>
            public void Add(Annotations annotations, Func<string, bool> selector)
            {
                ArgumentNullException.ThrowIfNull(annotations);
                ArgumentNullException.ThrowIfNull(selector);
                foreach (var column in annotations.Schema)
                    if (!column.IsHidden && selector(column.Name))
                        _items.Add((new DetachedColumn(column), annotations._getters[column.Index]));
            }

            /// <summary>Adds annotation <paramref name="name"/> of <paramref name="type"/> read by <paramref name="getter"/>.</summary>
            /// <exception cref="ArgumentException"><typeparamref name="TValue"/> is not the type's raw type.</exception>
            public void Add<TValue>(string name, DataViewType type, ValueGetter<TValue> getter, Annotations? annotations = null)
            {
                ArgumentNullException.ThrowIfNull(type);
                ArgumentNullException.ThrowIfNull(getter);
                if (type.RawType != typeof(TValue))
                    throw new ArgumentException($"Annotation '{name}': type {type} has raw type {type.RawType}, not {typeof(TValue)}.", nameof(getter));
                _items.Add((new DetachedColumn(name, type, annotations), getter));
            }

            /// <summary>Adds annotation <paramref name="name"/> read by a <c>ValueGetter&lt;type.RawType&gt;</c> passed as a Delegate.</summary>
            /// <exception cref="ArgumentException">The getter's type does not match <paramref name="type"/>.</exception>
            public void Add(string name, DataViewType type, Delegate getter, Annotations? annotations = null)
            {
                ArgumentNullException.ThrowIfNull(type);
                ArgumentNullException.ThrowIfNull(getter);
                if (getter.GetType() != typeof(ValueGetter<>).MakeGenericType(type.RawType))
                    throw new ArgumentException($"Annotation '{name}': the getter must be a ValueGetter<{type.RawType.Name}>.", nameof(getter));
                _items.Add((new DetachedColumn(name, type, annotations), getter));
            }

            /// <summary>Adds a constant primitive annotation.</summary>
            public void AddPrimitiveValue<TValue>(string name, PrimitiveDataViewType type, TValue value, Annotations? annotations = null) =>
                Add(name, type, (ref TValue dst) => dst = value, annotations);

            /// <summary>The annotations built so far.</summary>
            public Annotations ToAnnotations() =>
                new(new DataViewSchema(_items.Select(i => i.Column)), _items.Select(i => i.Getter).ToArray());
        }
    }
}
