#!/usr/bin/env python3
"""Writes src/Safeguard.Server/Api/openapi.json, the OpenAPI 3.1 description the server serves at /openapi.json.
A test checks that every route the server maps is described here."""
import json, os

J = "application/json"
def body(schema, ctype=J): return {"required": True, "content": {ctype: {"schema": schema}}}
def obj(props, required=()): return {"type": "object", "properties": props, "required": list(required)}
S = {"type": "string"}; I = {"type": "integer"}; B = {"type": "boolean"}
upload = {"required": True, "content": {
    "multipart/form-data": {"schema": obj({"file": {"type": "string", "format": "binary"}})},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
entries = obj({"entries": {"type": "array", "items": obj({"signal_type": S, "value": S, "content_id": S, "category": I, "grade": S,
               "tags": {"type": "array", "items": S}}, ["signal_type", "value"])}, "reason": S}, ["entries"])
def q(name, schema=S, required=False, desc=None):
    p = {"name": name, "in": "query", "required": required, "schema": schema}
    if desc: p["description"] = desc
    return p
def path_param(name, schema=S): return {"name": name, "in": "path", "required": True, "schema": schema}

routes = [
 ("get", "/v1/health/live", [], "Liveness (no key needed)", None, []),
 ("get", "/v1/health/ready", ["any"], "Readiness: 200 when the index is loaded, else 503", None, []),
 ("get", "/v1/index/status", ["matcher", "curator"], "Index size, change sequence, last refresh, memory", None, []),
 ("post", "/v1/hash", ["hasher", "matcher"], "Hash an uploaded image (PDQ with quality) or video (vPDQ at 1 fps, video_md5), and MD5, SHA-1, SHA-256", upload, []),
 ("post", "/v1/hash/url", ["hasher", "matcher"], "Fetch a URL (http/https, public addresses only) and hash it (image or video)", body(obj({"url": S}, ["url"])), []),
 ("post", "/v1/lookup", ["matcher"], "Look a hash up in every bank; a hit becomes a review item unless review=false; threshold: pdq 0..63, exact types 0",
  body(obj({"signal_type": S, "value": S, "threshold": I, "review": B}, ["signal_type", "value"])), []),
 ("post", "/v1/lookup/file", ["matcher"], "Hash an uploaded image or video and look it up in one call; an image hit keeps the media for review, a video hit keeps hashes only", upload, []),
 ("post", "/v1/lookup/url", ["matcher"], "Fetch, hash and look up a URL (image or video)", body(obj({"url": S}, ["url"])), []),
 ("post", "/v1/compare", ["matcher", "hasher"], "Distance between two hashes of one type; threshold: pdq 0..63 (default 31), exact types 0", body(obj({"signal_type": S, "a": S, "b": S, "threshold": I}, ["signal_type", "a", "b"])), []),
 ("get", "/v1/keys", ["admin"], "List API keys (never their secrets)", None, []),
 ("post", "/v1/keys", ["admin"], "Create an API key; the secret is in this response only", body(obj({"name": S, "roles": {"type": "array", "items": S}, "rate_per_second": I, "max_concurrent": I}, ["name", "roles"])), []),
 ("delete", "/v1/keys/{id}", ["admin"], "Revoke a key by id or prefix", None, [path_param("id")]),
 ("post", "/v1/conversations/analyze", ["matcher"], "Analyse a whole conversation (docs/conversations.md format)", body({"type": "object"}), []),
 ("post", "/v1/conversations/{id}/messages", ["matcher"], "Stream one message into a conversation; crossing the alert level creates a review item with the evidence messages only",
  body(obj({"sender": S, "timestamp": {}, "text": S, "participants": {"type": "array", "items": obj({"id": S, "name": S, "declared_age": I, "account_age_days": I})}}, ["sender", "text"])), [path_param("id")]),
 ("get", "/v1/banks", ["curator", "matcher"], "List banks with counts (paged)", None, [q("offset", I), q("limit", I)]),
 ("post", "/v1/banks", ["curator"], "Create a bank", body(obj({"name": S, "description": S, "verified": B}, ["name"])), []),
 ("get", "/v1/banks/{name}", ["curator", "matcher"], "A bank's counts by type, disabled count and sources", None, [path_param("name")]),
 ("delete", "/v1/banks/{name}", ["curator"], "Delete a bank and its entries", None, [path_param("name")]),
 ("get", "/v1/banks/{name}/entries", ["curator", "matcher"], "Entries in insertion order, keyset-paged with after=next_after", None,
  [path_param("name"), q("after", I), q("limit", I), q("includeDisabled", B)]),
 ("post", "/v1/banks/{name}/entries", ["curator"], "Add entries (metadata of existing entries is updated)", body(entries), [path_param("name")]),
 ("get", "/v1/banks/{name}/entries/{type}/{value}", ["curator", "matcher"], "One entry", None, [path_param("name"), path_param("type"), path_param("value")]),
 ("post", "/v1/banks/{name}/entries/disable", ["curator"], "Disable entries (reason required)", body(entries), [path_param("name")]),
 ("post", "/v1/banks/{name}/entries/enable", ["curator"], "Enable entries", body(entries), [path_param("name")]),
 ("post", "/v1/banks/{name}/entries/remove", ["curator"], "Delete entries", body(entries), [path_param("name")]),
 ("post", "/v1/banks/{name}/import", ["curator"], "Bulk import a list (plain, csv or vics) streamed from the body; all or nothing",
  {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
  [path_param("name"), q("format", {"enum": ["plain", "csv", "vics"]}), q("replace", B), q("source"), q("type")]),
 ("post", "/v1/review/submit", ["matcher", "hasher"], "Submit an image for review (kept until decided); the note (query or form field, at most 4000 characters) is kept as submission_note",
  {"required": True, "content": {"multipart/form-data": {"schema": obj({"file": {"type": "string", "format": "binary"}, "note": S})},
   "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}, [q("note")]),
 ("get", "/v1/review/items", ["reviewer"], "Review items", None, [q("status", {"enum": ["pending", "escalated", "confirmed", "false_positive"]}), q("after", I), q("limit", I)]),
 ("get", "/v1/review/items/{id}", ["reviewer"], "One review item", None, [path_param("id", I)]),
 ("get", "/v1/review/items/{id}/media", ["reviewer"], "The item's image as PNG, blurred and greyscale (audited; a browser session needs the X-Safeguard-UI header). view=clear is refused: use POST .../media/clear", None,
  [path_param("id", I), q("view", {"enum": ["blurred"]})]),
 ("post", "/v1/review/items/{id}/media/clear", ["reviewer"], "The item's image as PNG, unblurred (audited, counted against the exposure cap)", None, [path_param("id", I)]),
 ("post", "/v1/review/items/{id}/decision", ["reviewer"], "Record a decision: confirmed (with category), false_positive (optionally suppress), escalate",
  body(obj({"decision": {"enum": ["confirmed", "false_positive", "escalate"]}, "category": {"enum": ["UK-A", "UK-B", "UK-C", "VICS-0", "VICS-1", "VICS-2", "VICS-3", "VICS-4"]},
            "industry_classification": {"enum": ["A1", "A2", "B1", "B2"]}, "note": S, "preserve": B, "suppress": B}, ["decision"])), [path_param("id", I)]),
 ("post", "/v1/review/items/{id}/preserve", ["reviewer"], "Keep the item's media as evidence after the decision (audited)", None, [path_param("id", I)]),
 ("get", "/v1/review/settings", ["reviewer"], "The reviewer's blur strength", None, []),
 ("put", "/v1/review/settings", ["reviewer"], "Set the reviewer's blur strength (4..100)", body(obj({"blur_strength": I}, ["blur_strength"])), []),
 ("get", "/v1/audit", ["admin", "reviewer"], "Audit entries", None, [q("after", I), q("limit", I), q("action"), q("target")]),
 ("get", "/v1/audit/verify", ["admin"], "Verify the hash chain, and against the server's checkpoint file: 200 intact, 409 tampered, empty or cut below a checkpoint", None, []),
 ("post", "/v1/audit/checkpoint", ["admin"], "Sign a checkpoint of the audit log's head now and append it to the checkpoint file (409 when the log no longer extends the previous checkpoint)", None, []),
 ("get", "/v1/audit/public-key", ["admin", "reviewer"], "The Ed25519 public key (PEM) and key id that check audit checkpoints", None, []),
 ("get", "/v1/reports/ncmec", ["reviewer"], "CyberTipline report XML for confirmed items (all when items is omitted); audited, so a browser session needs the X-Safeguard-UI header", None, [q("items", desc="comma-separated item ids"), q("additional_info")]),
 ("get", "/v1/reports/ncmec/file-details", ["reviewer"], "CyberTipline fileDetails XML for one confirmed item", None, [q("item", I, True), q("report_id", I, True, "the report id CyberTipline returned from /submit"),
  q("file_id", S, True, "the file id CyberTipline returned from /upload"),
  q("publicly_available", B, desc="whether the file was publicly accessible; left out of the document when not given")]),
 ("get", "/v1/reports/vics", ["reviewer"], "VICS 2.0 #Media export of confirmed items; audited, so a browser session needs the X-Safeguard-UI header", None, [q("items")]),
 ("get", "/status", [], "HMA: I-AM-ALIVE (no key needed)", None, []),
 ("get", "/h/hash", ["hasher", "matcher"], "HMA: hash a URL -> {pdq, md5} for a photo, {video_md5, vpdq} for a video", None, [q("url", required=True)]),
 ("post", "/h/hash", ["hasher", "matcher"], "HMA: hash an uploaded file (field 'photo' or 'video') -> {pdq, md5} or {video_md5, vpdq}", upload, []),
 ("get", "/m/lookup", ["matcher"], "HMA: signal_type+signal -> [bank names]; url -> {signal_type: [bank names]}", None, [q("signal_type"), q("signal"), q("url")]),
 ("post", "/m/lookup", ["matcher"], "HMA: upload a photo or video -> {signal_type: [bank names]}", upload, []),
 ("get", "/m/raw_lookup", ["matcher"], "HMA: {matches: [content ids]} (with distances when include_distance=true)", None, [q("signal_type", required=True), q("signal", required=True), q("include_distance")]),
 ("post", "/m/compare", ["matcher", "hasher"], "HMA-style compare: {pdq: [h1, h2]} -> {pdq: [is_match, {distance}]}", body({"type": "object", "additionalProperties": {"type": "array", "items": S}}), []),
 ("get", "/m/index/status", ["matcher", "curator"], "HMA: {signal_type: {present, built_to, size}}", None, []),
 ("get", "/c/banks", ["curator", "matcher"], "HMA: [{name, matching_enabled_ratio}]", None, []),
 ("post", "/c/banks", ["curator"], "HMA: create a bank (403 if it exists)", body(obj({"name": S}, ["name"])), []),
 ("get", "/c/bank/{name}", ["curator", "matcher"], "HMA: one bank", None, [path_param("name")]),
 ("delete", "/c/bank/{name}", ["curator"], "HMA: delete a bank", None, [path_param("name")]),
 ("post", "/c/bank/{name}/signal", ["curator"], "HMA: add signals {signal_type: value} -> {id, signals}", body({"type": "object", "additionalProperties": S}), [path_param("name")]),
 ("get", "/", [], "Redirect to the review UI", None, []),
 ("get", "/ui/", [], "Review UI (sign in with a reviewer key)", None, []),
 ("get", "/ui/app.js", [], "Review UI script", None, []),
 ("get", "/ui/app.css", [], "Review UI style", None, []),
 ("post", "/ui/session", [], "Sign in to the review UI: sets an HttpOnly session cookie (needs the X-Safeguard-UI header, same origin only)", body(obj({"key": S}, ["key"])), []),
 ("delete", "/ui/session", [], "Sign out", None, []),
 ("get", "/openapi.json", ["any"], "This document", None, []),
]

paths = {}
for method, path, roles, summary, req, params in routes:
    op = {"summary": summary, "responses": {"200": {"description": "OK"}, "400": {"description": "Bad input", "content": {J: {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "401": {"description": "No valid key"}, "403": {"description": "Key lacks the role"}, "429": {"description": "Per-key rate limit"},
          "503": {"description": "Server over capacity"}}}
    if roles:
        op["security"] = [{"bearer": []}, {"apiKey": []}]
        op["x-roles"] = roles
    else:
        op["security"] = []
    if req: op["requestBody"] = req
    if params: op["parameters"] = params
    paths.setdefault(path, {})[method] = op

# Answers other than the common ones.
checkpoint_header = {"Safeguard-Audit-Checkpoint": {"description": "A signed audit checkpoint covering this report's own audit entry (docs/service.md, Audit checkpoints)", "schema": S}}
for report in ("/v1/reports/ncmec", "/v1/reports/vics"):
    paths[report]["get"]["responses"]["200"]["headers"] = checkpoint_header
created = paths["/v1/audit/checkpoint"]["post"]["responses"]
del created["200"]
created["201"] = {"description": "The checkpoint: checkpoint (the signed line), log_id, seq, hash, time, key_id"}
created["409"] = {"description": "The log no longer extends the previous checkpoint, or is empty"}

doc = {"openapi": "3.1.0",
       "info": {"title": "Safeguard service", "version": "1.0",
                "description": "Hashing, matching, hash banks, review queue, audit and reports. Every route but liveness needs an API key "
                               "(Authorization: Bearer KEY or X-API-Key: KEY) with one of the roles in x-roles (admin may do everything). See docs/service.md."},
       "servers": [{"url": "http://127.0.0.1:5080"}],
       "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
                      "schemas": {"Error": obj({"error": S}, ["error"])}},
       "paths": paths}
out = os.path.join(os.path.dirname(__file__), "..", "src", "Safeguard.Server", "Api", "openapi.json")
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
