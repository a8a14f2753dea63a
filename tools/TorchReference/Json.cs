using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TorchReference;

/// <summary>
/// A JSON object whose fields keep the order they were added in. Written with objects indented and arrays of numbers
/// on one line, and every float32 in its shortest round-trip form, so that reading it back gives the same bits.
/// </summary>
internal sealed class JsonFields
{
    private readonly List<KeyValuePair<string, object?>> _fields = [];

    public JsonFields Add(string name, object? value)
    {
        _fields.Add(new(name, value));
        return this;
    }

    public string ToJson()
    {
        var sb = new StringBuilder();
        Write(sb, this, 0);
        sb.Append('\n');
        return sb.ToString();
    }

    private static readonly JsonSerializerOptions StringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Write(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case string s: sb.Append(JsonSerializer.Serialize(s, StringOptions)); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case float f: sb.Append(Number(f)); break;
            case double d: sb.Append(Number(d)); break;
            case int or long: sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            case float[] fs: sb.Append('[').AppendJoin(",", fs.Select(Number)).Append(']'); break;
            case long[] ls: sb.Append('[').AppendJoin(",", ls).Append(']'); break;
            case int[] ints: sb.Append('[').AppendJoin(",", ints).Append(']'); break;
            case string[] strings: sb.Append('[').AppendJoin(", ", strings.Select(x => JsonSerializer.Serialize(x, StringOptions))).Append(']'); break;
            case JsonFields obj:
                sb.Append("{\n");
                for (int i = 0; i < obj._fields.Count; i++)
                {
                    sb.Append(' ', indent + 2).Append(JsonSerializer.Serialize(obj._fields[i].Key, StringOptions)).Append(": ");
                    Write(sb, obj._fields[i].Value, indent + 2);
                    sb.Append(i + 1 < obj._fields.Count ? ",\n" : "\n");
                }
                sb.Append(' ', indent).Append('}');
                break;
            case IEnumerable<JsonFields> list:
                var items = list.ToList();
                sb.Append("[\n");
                for (int i = 0; i < items.Count; i++)
                {
                    sb.Append(' ', indent + 2);
                    Write(sb, items[i], indent + 2);
                    sb.Append(i + 1 < items.Count ? ",\n" : "\n");
                }
                sb.Append(' ', indent).Append(']');
                break;
            default: throw new ArgumentException($"cannot write {value.GetType()} as JSON");
        }
    }

    private static string Number(float f)
    {
        if (!float.IsFinite(f))
            throw new ArgumentException($"non-finite value {f} cannot be written to a fixture");
        return f.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Number(double d)
    {
        if (!double.IsFinite(d))
            throw new ArgumentException($"non-finite value {d} cannot be written to a fixture");
        return d.ToString("R", CultureInfo.InvariantCulture);
    }
}
