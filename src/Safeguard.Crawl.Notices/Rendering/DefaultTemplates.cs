namespace Safeguard.Crawl.Notices.Rendering;

/// <summary>The built-in email texts; an operator replaces them with --template / --escalation-template files.</summary>
public static class DefaultTemplates
{
    public const string Notice = """
        Subject: Removal request {{notice_id}}: {{item_count}} item(s) of child sexual abuse material on your service

        Dear {{provider}} abuse team,

        We found the following media on servers you operate. Each item matches a hash list of known
        child sexual abuse material, or was confirmed as such by a trained reviewer. Please remove it
        and preserve any related records as your law requires. The media is not attached: the URLs
        and hashes below identify it.

        {{#items}}
        - URL: {{url}}
          Found on page: {{page_url}}
          Seen: {{seen_at}} (HTTP {{http_status}}, server {{server_ip}}, {{content_type}})
          SHA-256: {{sha256}}
          MD5: {{md5}}
          PDQ: {{pdq}}
          Matched: {{match_kind}} ({{signal_type}}, list {{bank}}, distance {{distance}})
        {{/items}}

        We will check these URLs again and record when each is removed.

        Reference: notice {{notice_id}}
        {{sender}}

        """;

    public const string Escalation = """
        Subject: Escalation of removal request {{parent_id}}: {{still_present_count}} item(s) still online

        Dear {{provider}} ({{escalation_contact}}),

        Our removal request {{parent_id}} to your abuse contact named the media below. Our latest
        checks show it is still online. Please have it removed.

        {{#items}}
        - URL: {{url}}
          First seen: {{seen_at}}
          SHA-256: {{sha256}}
          MD5: {{md5}}
          Status: {{status}}
        {{/items}}

        Reference: escalation {{notice_id}} of notice {{parent_id}}
        {{sender}}

        """;
}
