// The training loop, like Hugging Face's Trainer: streamed micro-batches, gradient accumulation,
// global-norm clipping, AdamW over the trainable prefix, warm-up + decay, periodic evaluation with
// early stopping and best-checkpoint keeping, atomic resumable checkpoints, progress and cancellation.
// Not a model, objective or data format: those come in through ITrainableModel and IBatchCollator.
using System.Diagnostics;
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Training;

/// <summary>Runs training with fixed <see cref="TrainerOptions"/>.</summary>
public sealed class Trainer
{
    /// <summary>Name of the folder holding the best evaluated checkpoint under the output folder.</summary>
    public const string BestFolder = "best";

    /// <summary>Creates a trainer.</summary>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="TrainerOptions.Validate"/>).</exception>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
    }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Optimizer steps a run over <paramref name="exampleCount"/> examples takes: <c>MaxSteps</c> when set,
    /// else epochs × ⌈⌈examples / batch⌉ / accumulation⌉ (a short last group still makes a step).
    /// </summary>
    public int TotalSteps(long exampleCount)
    {
        if (Options.MaxSteps is { } max) return max;
        long batches = (exampleCount + Options.BatchSize - 1) / Options.BatchSize;
        long perEpoch = (batches + Options.GradientAccumulationSteps - 1) / Options.GradientAccumulationSteps;
        return checked((int)(perEpoch * Options.Epochs));
    }

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="trainData"/>, streamed: each epoch re-enumerates
    /// it, shuffles through a bounded buffer keyed by (seed, epoch) and collates micro-batches. When
    /// <paramref name="resumeFrom"/> names a checkpoint, weights, moments and the data position are
    /// restored and the run ends bit-identical to one never stopped (same options and thread count).
    /// </summary>
    /// <param name="model">The model with its loss.</param>
    /// <param name="trainData">Examples; enumerated once to count them unless <c>MaxSteps</c> is set.</param>
    /// <param name="collator">Builds batches.</param>
    /// <param name="evaluate">Validation metrics; required when <c>EvaluateEverySteps</c> is set.</param>
    /// <param name="resumeFrom">A checkpoint folder written by an earlier run with the same options, or null.</param>
    /// <param name="progress">Receives a snapshot after every optimizer step.</param>
    /// <param name="cancellationToken">Checked before each micro-batch; checkpoint writes are never interrupted.</param>
    /// <exception cref="ArgumentException">Empty training data, a missing evaluator, or a checkpoint written with another batch size.</exception>
    /// <exception cref="TrainingDivergedException">A loss or gradient norm became NaN or infinite; the weights keep their last finite update.</exception>
    /// <exception cref="InvalidOperationException">The evaluator does not return <c>MetricForBestModel</c>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; checkpoints already written are intact (and with <c>CheckpointOnCancel</c> one is written at the last completed step).</exception>
    public TrainingResult Train<TExample, TBatch>(ITrainableModel<TBatch> model, IEnumerable<TExample> trainData,
        IBatchCollator<TExample, TBatch> collator, TrainingEvaluator? evaluate = null, string? resumeFrom = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(collator);
        if (Options.EvaluateEverySteps is not null && evaluate is null)
            throw new ArgumentException("TrainerOptions.EvaluateEverySteps is set but no evaluator was given.", nameof(evaluate));
        int previousThreads = EngineSettings.Threads;
        if (Options.Threads is { } threads) EngineSettings.Threads = threads;
        try
        {
            return new Run<TExample, TBatch>(this, model, trainData, collator, evaluate, progress, cancellationToken).Execute(resumeFrom);
        }
        finally
        {
            EngineSettings.Threads = previousThreads;
        }
    }

    /// <summary>One call of Train: the loop and its bookkeeping.</summary>
    private sealed class Run<TExample, TBatch>(Trainer trainer, ITrainableModel<TBatch> model, IEnumerable<TExample> data,
        IBatchCollator<TExample, TBatch> collator, TrainingEvaluator? evaluate, IProgress<TrainingProgress>? progress, CancellationToken token)
    {
        private readonly TrainerOptions _o = trainer.Options;
        private readonly ParameterSet _p = model.Parameters;
        private readonly List<TrainingProgress> _history = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TrainerState _state = new();
        private TrainerState _stepState = new();
        private float[]? _bestValues;
        private string? _lastCheckpoint;
        private long _tokens;
        private int _stepsThisRun;

        public TrainingResult Execute(string? resumeFrom)
        {
            int total = _o.MaxSteps ?? trainer.TotalSteps(BatchStream.Count(data, token));
            if (_o.MaxSteps is null && total == 0) throw new ArgumentException("The training data is empty.", nameof(data));
            _state = new TrainerState { TotalSteps = total, Seed = _o.Seed, BatchSize = _o.BatchSize };
            if (resumeFrom is not null) Resume(resumeFrom, total);
            _stepState = _state;
            _p.ZeroGradients();
            try
            {
                return Loop(total);
            }
            catch (OperationCanceledException) when (_o.CheckpointOnCancel && _o.OutputDirectory is not null)
            {
                SaveCancelled();
                throw;
            }
        }

        private TrainingResult Loop(int total)
        {
            var schedule = LearningRateSchedule.From(_o, total);
            bool stoppedEarly = false;
            double lastLoss = double.NaN;
            for (int epoch = _state.Epoch; _state.GlobalStep < total && !stoppedEarly; epoch++)
            {
                if (_o.MaxSteps is null && epoch >= _o.Epochs) break;
                long skip = epoch == _state.Epoch ? _state.BatchesInEpoch : 0;
                bool sawBatch = false;
                int pending = 0;
                double lossSum = 0;
                foreach (var (batch, context, _) in BatchStream.Epoch(data, collator, _o.BatchSize, _o.ShuffleBufferSize, _o.Seed, epoch, skip, _state.MicroBatch))
                {
                    token.ThrowIfCancellationRequested();
                    sawBatch = true;
                    var loss = model.Forward(batch, new ForwardContext(_state.GlobalStep, context.MicroBatch, _o.Seed, IsTraining: true));
                    if (!float.IsFinite(loss.Loss)) throw new TrainingDivergedException(_state.GlobalStep, "loss", loss.Loss);
                    model.Backward(1f / _o.GradientAccumulationSteps);
                    _tokens += loss.Tokens;
                    lossSum += loss.Loss;
                    _state = _state with { Epoch = epoch, BatchesInEpoch = context.IndexInEpoch + 1, MicroBatch = context.MicroBatch + 1 };
                    if (++pending < _o.GradientAccumulationSteps) continue;
                    lastLoss = lossSum / pending;
                    stoppedEarly = Update(schedule, pending, lastLoss, epoch);
                    pending = 0;
                    lossSum = 0;
                    if (stoppedEarly || _state.GlobalStep >= total) break;
                }
                if (skip == 0 && !sawBatch) throw new ArgumentException("The training data is empty.", nameof(data));
                if (pending > 0 && !stoppedEarly && _state.GlobalStep < total)
                {
                    lastLoss = lossSum / pending;
                    stoppedEarly = Update(schedule, pending, lastLoss, epoch);
                }
                // The next epoch starts from its first batch.
                if (_state.GlobalStep < total && !stoppedEarly) _state = _state with { Epoch = epoch + 1, BatchesInEpoch = 0 };
            }
            if (_o.OutputDirectory is not null && _lastCheckpoint != StepFolder(_state.GlobalStep)) SaveStep();
            if (_o.LoadBestAtEnd) LoadBest();
            var seconds = _clock.Elapsed.TotalSeconds;
            return new TrainingResult
            {
                GlobalStep = _state.GlobalStep,
                TotalSteps = total,
                AverageLoss = _history.Count == 0 ? double.NaN : _history.Average(h => h.Loss),
                LastLoss = lastLoss,
                StoppedEarly = stoppedEarly,
                BestMetric = _state.BestMetric,
                BestStep = _state.BestStep,
                TokensPerSecond = seconds > 0 ? _tokens / seconds : 0,
                Elapsed = _clock.Elapsed,
                LastCheckpoint = _lastCheckpoint,
                History = _history,
            };
        }

        /// <summary>One optimizer step over the accumulated gradients; returns true when early stopping fires.</summary>
        private bool Update(LearningRateSchedule schedule, int microBatches, double loss, int epoch)
        {
            int step = _state.GlobalStep;
            // Micro-batches were scaled by 1/accumulation; a short last group is rescaled to a mean.
            if (microBatches != _o.GradientAccumulationSteps)
                System.Numerics.Tensors.TensorPrimitives.Multiply(_p.Gradients, (float)_o.GradientAccumulationSteps / microBatches, _p.Gradients);
            double norm = _o.MaxGradientNorm is { } max and > 0 ? _p.ClipGradients(max) : GradientClipping.GlobalNorm(_p.Gradients);
            if (!double.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm);
            float rate = schedule.RateAt(step);
            _p.AdamWStep(rate, _o.Beta1, _o.Beta2, _o.Epsilon, _o.WeightDecay, step + 1);
            _p.ZeroGradients();
            _state = _state with { GlobalStep = step + 1, LearningRate = rate };
            _stepState = _state;
            _stepsThisRun++;
            bool last = _state.GlobalStep >= _state.TotalSteps;
            IReadOnlyDictionary<string, double>? metrics = null;
            bool stop = false;
            if (_o.EvaluateEverySteps is { } every && (_state.GlobalStep % every == 0 || last))
                (metrics, stop) = EvaluateAndTrack();
            var snapshot = Snapshot(loss, rate, norm, epoch, metrics);
            _history.Add(snapshot);
            if (_o.OutputDirectory is not null && _o.CheckpointEverySteps is { } ckpt && _state.GlobalStep % ckpt == 0) SaveStep();
            progress?.Report(snapshot);
            return stop;
        }

        private (IReadOnlyDictionary<string, double>, bool) EvaluateAndTrack()
        {
            var metrics = evaluate!(token);
            if (!metrics.TryGetValue(_o.MetricForBestModel, out double value))
                throw new InvalidOperationException(
                    $"The evaluator returned no '{_o.MetricForBestModel}' (TrainerOptions.MetricForBestModel); it returned: {string.Join(", ", metrics.Keys)}.");
            bool improved = _state.BestMetric is not { } best
                || (_o.GreaterIsBetter ? value > best + _o.EarlyStoppingThreshold : value < best - _o.EarlyStoppingThreshold);
            if (improved)
            {
                _state = _state with { BestMetric = value, BestStep = _state.GlobalStep, EvaluationsWithoutImprovement = 0 };
                if (_o.LoadBestAtEnd) _bestValues = _p.Values.ToArray();
                if (_o.KeepBestCheckpoint && _o.OutputDirectory is not null)
                    TrainerCheckpoint.Save(Path.Combine(_o.OutputDirectory, BestFolder), _p, _state);
            }
            else
            {
                _state = _state with { EvaluationsWithoutImprovement = _state.EvaluationsWithoutImprovement + 1 };
            }
            return (metrics, _o.EarlyStoppingPatience is { } patience && _state.EvaluationsWithoutImprovement >= patience);
        }

        private TrainingProgress Snapshot(double loss, float rate, double norm, int epoch, IReadOnlyDictionary<string, double>? metrics)
        {
            var elapsed = _clock.Elapsed;
            double perStep = elapsed.TotalSeconds / Math.Max(1, _stepsThisRun);
            return new TrainingProgress
            {
                Step = _state.GlobalStep,
                TotalSteps = _state.TotalSteps,
                Epoch = epoch,
                Loss = loss,
                LearningRate = rate,
                GradientNorm = norm,
                TokensPerSecond = elapsed.TotalSeconds > 0 ? _tokens / elapsed.TotalSeconds : 0,
                EstimatedRemaining = TimeSpan.FromSeconds(perStep * Math.Max(0, _state.TotalSteps - _state.GlobalStep)),
                Elapsed = elapsed,
                Evaluation = metrics,
            };
        }

        /// <summary>Restores the best evaluated weights: from memory, or after a resume from the best folder.</summary>
        private void LoadBest()
        {
            if (_bestValues is not null) _bestValues.CopyTo(_p.Values, 0);
            else if (_state.BestStep is not null && _o.OutputDirectory is not null
                     && Directory.Exists(Path.Combine(_o.OutputDirectory, BestFolder)))
                TrainerCheckpoint.LoadValues(Path.Combine(_o.OutputDirectory, BestFolder), _p);
        }

        private void Resume(string folder, int total)
        {
            var state = TrainerCheckpoint.Load(folder, _p);
            if (state.BatchSize != _o.BatchSize)
                throw new ArgumentException($"Checkpoint '{folder}' was written with batch size {state.BatchSize}, the options say {_o.BatchSize}; the data position would not match.", nameof(folder));
            if (state.Seed != _o.Seed)
                throw new ArgumentException($"Checkpoint '{folder}' was written with seed {state.Seed}, the options say {_o.Seed}.", nameof(folder));
            _state = state with { TotalSteps = total };
            _lastCheckpoint = Path.GetFullPath(folder);
        }

        /// <summary>
        /// A checkpoint at the last completed optimizer step: values and moments have not moved since then (gradients of
        /// a half-accumulated step are dropped and recomputed on resume), so the data position of that step is exact.
        /// </summary>
        private void SaveCancelled()
        {
            if (_stepState.GlobalStep == 0 || _lastCheckpoint == StepFolder(_stepState.GlobalStep)) return;
            _state = _stepState;
            SaveStep();
        }

        private string StepFolder(int step) => Path.GetFullPath(Path.Combine(_o.OutputDirectory!, $"{TrainerCheckpoint.FolderPrefix}{step}"));

        private void SaveStep()
        {
            var folder = StepFolder(_state.GlobalStep);
            TrainerCheckpoint.Save(folder, _p, _state);
            _lastCheckpoint = folder;
            if (_o.CheckpointLimit is not { } limit) return;
            var all = TrainerCheckpoint.List(_o.OutputDirectory!);
            foreach (var (_, path) in all.Take(Math.Max(0, all.Count - limit)))
                if (Path.GetFullPath(path) != folder) Directory.Delete(path, recursive: true);
        }
    }
}
