// Microsoft.ML.Runtime: ComponentCatalog (assembly registration) and ChannelMessageKind.
// The stand-in records registered assemblies only; it has no loadable-class scanning.
using System.Reflection;

namespace Microsoft.ML.Runtime
{
    /// <summary>The registry of assemblies whose components ML.NET may instantiate.</summary>
    public sealed class ComponentCatalog
    {
        private readonly HashSet<Assembly> _assemblies = [];

        internal ComponentCatalog()
        {
        }

        /// <summary>Registers <paramref name="assembly"/> (idempotent).</summary>
        public void RegisterAssembly(Assembly assembly, bool throwOnError = true)
        {
            if (assembly == null)
            {
                if (throwOnError) throw new ArgumentNullException(nameof(assembly));
                return;
            }
            lock (_assemblies) _assemblies.Add(assembly);
        }
    }

    /// <summary>The kind of a log message.</summary>
    public enum ChannelMessageKind
    {
        /// <summary>Trace.</summary>
        Trace,
        /// <summary>Information.</summary>
        Info,
        /// <summary>Warning.</summary>
        Warning,
        /// <summary>Error.</summary>
        Error,
    }
}
