using System.Text;

namespace Safeguard.Conversations.Onnx.Tests;

/// <summary>
/// Writes a minimal ONNX model by hand (protobuf wire format): score = sigmoid(features · weights + bias).
/// Generated in the test so no model file is downloaded or checked in.
/// </summary>
internal static class TinyOnnxModel
{
    public static byte[] Logistic(float[] weights, float bias, string inputName = "features", string outputName = "score")
    {
        var n = weights.Length;
        var graph = new Proto()
            .Message(1, Node("MatMul", [inputName, "w"], ["h"]))
            .Message(1, Node("Add", ["h", "b"], ["z"]))
            .Message(1, Node("Sigmoid", ["z"], [outputName]))
            .String(2, "tiny-logistic")
            .Message(5, Tensor("w", [n, 1], weights))
            .Message(5, Tensor("b", [1], [bias]))
            .Message(11, ValueInfo(inputName, [1, n]))
            .Message(12, ValueInfo(outputName, [1, 1]));
        return new Proto()
            .Varint(1, 8) // IR version 8
            .String(2, "safeguard-tests")
            .Message(7, graph)
            .Message(8, new Proto().String(1, "").Varint(2, 13)) // opset 13
            .ToArray();
    }

    private static Proto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new Proto();
        foreach (var i in inputs) node.String(1, i);
        foreach (var o in outputs) node.String(2, o);
        return node.String(3, op.ToLowerInvariant()).String(4, op);
    }

    private static Proto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new Proto();
        foreach (var d in dims) tensor.Varint(1, (ulong)d);
        tensor.Varint(2, 1); // FLOAT
        tensor.String(8, name);
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return tensor.Bytes(9, raw);
    }

    private static Proto ValueInfo(string name, long[] dims)
    {
        var shape = new Proto();
        foreach (var d in dims) shape.Message(1, new Proto().Varint(1, (ulong)d));
        var tensorType = new Proto().Varint(1, 1).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A MemoryStream holds only managed memory.")]
    private sealed class Proto
    {
        private readonly MemoryStream _buffer = new();

        public Proto Varint(int field, ulong value) { Key(field, 0); WriteVarint(value); return this; }
        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Bytes(int field, byte[] value)
        {
            Key(field, 2);
            WriteVarint((ulong)value.Length);
            _buffer.Write(value);
            return this;
        }

        public byte[] ToArray() => _buffer.ToArray();

        private void Key(int field, int wireType) => WriteVarint((ulong)(field << 3 | wireType));

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80) { _buffer.WriteByte((byte)(value | 0x80)); value >>= 7; }
            _buffer.WriteByte((byte)value);
        }
    }
}
