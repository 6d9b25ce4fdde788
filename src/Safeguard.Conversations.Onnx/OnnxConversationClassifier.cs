using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Safeguard.Conversations.Classifiers;

namespace Safeguard.Conversations.Onnx;

/// <summary>What the model takes as input.</summary>
public enum OnnxInputKind
{
    /// <summary>A float tensor [1, N] of the indicator features (<see cref="ClassifierInput.FeatureNames"/>).</summary>
    Features,

    /// <summary>A string tensor [1, 1] holding the participant's recent normalised messages, one per line.</summary>
    Text,
}

/// <summary>
/// Runs a trained ONNX model as an <see cref="IConversationClassifier"/>. The model's first input is fed; its output
/// (by name, or the first) must be a float tensor: one value is read as a probability (or a logit, if outside 0..1),
/// two or more values as class probabilities with the risk class last. Export scikit-learn models without ZipMap.
/// Thread-safe: ONNX Runtime sessions support concurrent runs.
/// </summary>
public sealed class OnnxConversationClassifier : IConversationClassifier, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly OnnxInputKind _kind;
    private readonly int _featureCount;

    public OnnxConversationClassifier(byte[] model, OnnxInputKind kind = OnnxInputKind.Features, string? outputName = null, string name = "onnx")
        : this(Load(() => new InferenceSession(model)), kind, outputName, name) { }

    public OnnxConversationClassifier(string modelPath, OnnxInputKind kind = OnnxInputKind.Features, string? outputName = null)
        : this(Load(() => new InferenceSession(modelPath)), kind, outputName, Path.GetFileNameWithoutExtension(modelPath)) { }

    private OnnxConversationClassifier(InferenceSession session, OnnxInputKind kind, string? outputName, string name)
    {
        _session = session;
        _kind = kind;
        Name = name;
        try
        {
            var (inputName, input) = session.InputMetadata.First();
            _inputName = inputName;
            _outputName = outputName ?? session.OutputMetadata.Keys.First();
            if (!session.OutputMetadata.ContainsKey(_outputName))
                throw new ArgumentException($"the model has no output named \"{_outputName}\"");
            if (kind == OnnxInputKind.Features)
            {
                if (input.ElementDataType != TensorElementType.Float)
                    throw new ArgumentException($"input \"{inputName}\" must be a float tensor for feature input");
                var width = input.Dimensions.Length == 2 ? input.Dimensions[1] : -1;
                _featureCount = width > 0 ? width : ClassifierInput.FeatureNames.Count;
                if (_featureCount > ClassifierInput.FeatureNames.Count)
                    throw new ArgumentException($"the model expects {_featureCount} features; {ClassifierInput.FeatureNames.Count} are available");
            }
            else if (input.ElementDataType != TensorElementType.String)
                throw new ArgumentException($"input \"{inputName}\" must be a string tensor for text input");
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public string Name { get; }

    private static InferenceSession Load(Func<InferenceSession> open)
    {
        try { return open(); }
        catch (OnnxRuntimeException ex) { throw new ArgumentException($"not a usable ONNX model: {ex.Message}", ex); }
    }

    public double Score(ClassifierInput input)
    {
        NamedOnnxValue value = _kind == OnnxInputKind.Features
            ? NamedOnnxValue.CreateFromTensor(_inputName,
                new DenseTensor<float>(input.Features.Take(_featureCount).ToArray(), [1, _featureCount]))
            : NamedOnnxValue.CreateFromTensor(_inputName,
                new DenseTensor<string>(new[] { string.Join('\n', input.RecentMessages) }, [1, 1]));
        using var results = _session.Run([value], [_outputName]);
        var output = results[0].AsTensor<float>().ToArray();
        if (output.Length == 0) return double.NaN;
        double score = output[^1];
        return score is >= 0 and <= 1 ? score : 1 / (1 + Math.Exp(-score));
    }

    public void Dispose() => _session.Dispose();
}
