using System.Data;
using System.Data.Common;
using Safeguard.Banks;
using Safeguard.Storage.Banks;

namespace Safeguard.Storage.Sqlite;

/// <summary>
/// The parameters a prepared insert of one entry record takes (@ty, @v, @k, @c, @cat, @g, @tg, @no, @md,
/// @uri, @du), bound record after record without new parameter objects.
/// </summary>
internal sealed class EntryRecordParameters
{
    public const string Names = "@ty, @v, @k, @c, @cat, @g, @tg, @no, @md, @uri, @du";

    private readonly DbParameter _type, _value, _key, _content, _category, _grade, _tags, _note, _metadata, _uri, _disableUntil;

    public EntryRecordParameters(DbCommand cmd)
    {
        _type = cmd.Param("@ty", "");
        _value = cmd.Param("@v", "");
        _key = cmd.Param("@k", "");
        _content = cmd.Param("@c", null, DbType.String);
        _category = cmd.Param("@cat", null, DbType.Int64);
        _grade = cmd.Param("@g", null, DbType.String);
        _tags = cmd.Param("@tg", null, DbType.String);
        _note = cmd.Param("@no", null, DbType.String);
        _metadata = cmd.Param("@md", null, DbType.String);
        _uri = cmd.Param("@uri", null, DbType.String);
        _disableUntil = cmd.Param("@du", null, DbType.Int64);
    }

    public void Bind(EntryRecord rec, string valueKey)
    {
        _type.Value = rec.Type.Name;
        _value.Value = rec.Value;
        _key.Value = valueKey;
        _content.Value = (object?)rec.ContentId ?? DBNull.Value;
        _category.Value = rec.Category is int k ? (long)k : DBNull.Value;
        _grade.Value = (object?)rec.Grade ?? DBNull.Value;
        _tags.Value = (object?)Tags.Join(rec.Tags) ?? DBNull.Value;
        _note.Value = (object?)rec.Note ?? DBNull.Value;
        _metadata.Value = (object?)EntryFields.MetadataToJson(rec.Metadata) ?? DBNull.Value;
        _uri.Value = (object?)rec.OriginalMediaUri ?? DBNull.Value;
        _disableUntil.Value = rec.DisableUntil is { } until ? until.ToUnixTimeMilliseconds() : DBNull.Value;
    }
}
