//! What real Discord refuses, so the mock can refuse it too. Each limit names
//! the schema of Discord's OpenAPI spec (`specs/openapi.json` in
//! `discord/discord-api-spec`) it comes from; a request breaking one gets a
//! 400 `{"code": 50035, "message": "Invalid Form Body", "errors": {...}}`,
//! with `errors` nested by field path the way Discord nests them.
//!
//! Where the spec and the documented limits differ, the documented (and
//! enforced) limit wins and the comment says so.

use serde_json::{json, Map, Value};

/// The violations found in one body: (field path, message).
#[derive(Debug, Default, Clone)]
pub struct Violations(pub Vec<(String, String)>);

impl Violations {
    fn add(&mut self, path: &str, message: impl Into<String>) {
        self.0
            .push((path.trim_start_matches('.').to_owned(), message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `s` (counted in characters) within `min..=max`.
    fn len(&mut self, path: &str, s: Option<&str>, min: usize, max: usize) {
        let n = s.map_or(0, |s| s.chars().count());
        if s.is_some() && !(min..=max).contains(&n) {
            self.add(path, format!("Must be between {min} and {max} in length."));
        }
    }

    fn items(&mut self, path: &str, v: &Value, max: usize) -> Vec<Value> {
        let list = v.as_array().cloned().unwrap_or_default();
        if list.len() > max {
            self.add(path, format!("Must be {max} or fewer in length."));
        }
        list
    }

    /// Discord's error body.
    pub fn body(&self) -> Value {
        let mut errors = Map::new();
        for (path, message) in &self.0 {
            let mut at = &mut errors;
            for key in path.split('.').filter(|k| !k.is_empty()) {
                at = at
                    .entry(key.to_owned())
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("an object");
            }
            let list = at.entry("_errors").or_insert_with(|| json!([]));
            let code = "BASE_TYPE_BAD_LENGTH";
            list.as_array_mut()
                .unwrap()
                .push(json!({"code": code, "message": message}));
        }
        json!({"code": 50035, "message": "Invalid Form Body", "errors": errors})
    }
}

/// A message body: `MessageCreateRequest`, `MessageEditRequestPartial`,
/// `IncomingWebhookInteractionRequest` (interaction responses, followups and
/// `@original` edits).
pub fn message(v: &Value, at: &str, out: &mut Violations) {
    // The spec allows 4,000 for MessageCreateRequest (Nitro users); bots
    // and IncomingWebhookInteractionRequest are held to 2,000.
    out.len(&format!("{at}.content"), v["content"].as_str(), 0, 2000);
    let embeds = out.items(&format!("{at}.embeds"), &v["embeds"], 10);
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        total += embed(e, &format!("{at}.embeds.{i}"), out);
    }
    if total > 6000 {
        out.add(
            &format!("{at}.embeds"),
            "Embed size exceeds maximum size of 6000",
        );
    }
    components(&v["components"], &format!("{at}.components"), out);
    // MessageCreateRequest.nonce: maxLength 25 (or an integer).
    out.len(&format!("{at}.nonce"), v["nonce"].as_str(), 0, 25);
}

/// RichEmbed, RichEmbedField, RichEmbedFooter, RichEmbedAuthor; returns the
/// characters that count towards the 6,000 total.
fn embed(e: &Value, at: &str, out: &mut Violations) -> usize {
    let text = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    out.len(&format!("{at}.title"), e["title"].as_str(), 0, 256);
    out.len(
        &format!("{at}.description"),
        e["description"].as_str(),
        0,
        4096,
    );
    out.len(
        &format!("{at}.footer.text"),
        e["footer"]["text"].as_str(),
        0,
        2048,
    );
    out.len(
        &format!("{at}.author.name"),
        e["author"]["name"].as_str(),
        0,
        256,
    );
    let fields = out.items(&format!("{at}.fields"), &e["fields"], 25);
    let mut total = text(&e["title"])
        + text(&e["description"])
        + text(&e["footer"]["text"])
        + text(&e["author"]["name"]);
    for (i, f) in fields.iter().enumerate() {
        out.len(&format!("{at}.fields.{i}.name"), f["name"].as_str(), 1, 256);
        out.len(
            &format!("{at}.fields.{i}.value"),
            f["value"].as_str(),
            1,
            1024,
        );
        total += text(&f["name"]) + text(&f["value"]);
    }
    total
}

/// ActionRowComponentForMessageRequest (≤ 5 rows of ≤ 5 components; a row
/// of buttons), ButtonComponentForMessageRequest,
/// StringSelectComponentForMessageRequest, StringSelectOptionForRequest;
/// `custom_id`s unique within the message.
fn components(v: &Value, at: &str, out: &mut Violations) {
    // The spec allows 40 top-level components (Components V2); classic
    // messages, the only kind prepbot sends, allow 5 action rows.
    let rows = out.items(at, v, 5);
    let mut seen = std::collections::HashSet::new();
    for (r, row) in rows.iter().enumerate() {
        let items = out.items(&format!("{at}.{r}.components"), &row["components"], 5);
        for (c, item) in items.iter().enumerate() {
            let here = format!("{at}.{r}.components.{c}");
            if let Some(id) = item["custom_id"].as_str() {
                out.len(&format!("{here}.custom_id"), Some(id), 1, 100);
                if !seen.insert(id.to_owned()) {
                    out.add(
                        &format!("{here}.custom_id"),
                        "Component custom id cannot be duplicated",
                    );
                }
            }
            if item["type"] == 2 {
                out.len(&format!("{here}.label"), item["label"].as_str(), 1, 80);
            }
            if item["type"] == 3 {
                select(item, &here, out);
            }
        }
    }
}

fn select(item: &Value, at: &str, out: &mut Violations) {
    let options = out.items(&format!("{at}.options"), &item["options"], 25);
    for (o, opt) in options.iter().enumerate() {
        out.len(
            &format!("{at}.options.{o}.label"),
            opt["label"].as_str(),
            1,
            100,
        );
        out.len(
            &format!("{at}.options.{o}.value"),
            opt["value"].as_str(),
            1,
            100,
        );
    }
    let min = item["min_values"].as_u64();
    let max = item["max_values"].as_u64();
    for (key, n) in [("min_values", min), ("max_values", max)] {
        if n.is_some_and(|n| n > 25) {
            out.add(
                &format!("{at}.{key}"),
                "int value should be less than or equal to 25.",
            );
        }
    }
    if min.unwrap_or(1) > max.unwrap_or(1) {
        out.add(
            &format!("{at}.min_values"),
            "min_values must be less than or equal to max_values",
        );
    }
}

/// An interaction callback: `{type, data}` by type.
pub fn callback(v: &Value, out: &mut Violations) {
    match v["type"].as_u64() {
        Some(4 | 7) => message(&v["data"], "data", out),
        Some(8) => autocomplete(&v["data"], out),
        Some(9) => modal(&v["data"], out),
        _ => {}
    }
}

/// ModalInteractionCallbackRequestData, TextInputComponentForModalRequest.
fn modal(d: &Value, out: &mut Violations) {
    out.len("data.title", d["title"].as_str(), 1, 45);
    out.len("data.custom_id", d["custom_id"].as_str(), 1, 100);
    let rows = out.items("data.components", &d["components"], 5);
    for (r, row) in rows.iter().enumerate() {
        for (c, input) in row["components"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = format!("data.components.{r}.components.{c}");
            out.len(&format!("{at}.label"), input["label"].as_str(), 1, 45);
            out.len(&format!("{at}.value"), input["value"].as_str(), 0, 4000);
            if input["max_length"]
                .as_u64()
                .is_some_and(|n| !(1..=4000).contains(&n))
            {
                out.add(
                    &format!("{at}.max_length"),
                    "int value should be between 1 and 4000.",
                );
            }
        }
    }
}

/// InteractionApplicationCommandAutocompleteCallbackStringData and
/// ApplicationCommandOptionStringChoice. The spec allows 6,000 for a
/// string value; Discord's documentation (and its API) hold it to 100.
fn autocomplete(d: &Value, out: &mut Violations) {
    let choices = out.items("data.choices", &d["choices"], 25);
    for (i, c) in choices.iter().enumerate() {
        out.len(
            &format!("data.choices.{i}.name"),
            c["name"].as_str(),
            1,
            100,
        );
        out.len(
            &format!("data.choices.{i}.value"),
            c["value"].as_str(),
            1,
            100,
        );
    }
}

/// A bulk overwrite: ApplicationCommandCreateRequest per command,
/// ApplicationCommand*Option per option.
pub fn commands(v: &Value, out: &mut Violations) {
    for (i, c) in v.as_array().into_iter().flatten().enumerate() {
        command(c, &i.to_string(), out);
    }
}

fn command(c: &Value, at: &str, out: &mut Violations) {
    let name = c["name"].as_str().unwrap_or("");
    if !name_pattern(name) {
        out.add(&format!("{at}.name"), "Command name is invalid");
    }
    // Chat-input commands (type 1, the default) need a description.
    if c["type"].as_u64().unwrap_or(1) == 1 {
        out.len(
            &format!("{at}.description"),
            Some(c["description"].as_str().unwrap_or("")),
            1,
            100,
        );
    }
    let options = out.items(&format!("{at}.options"), &c["options"], 25);
    let mut optional_seen = false;
    for (i, o) in options.iter().enumerate() {
        let here = format!("{at}.options.{i}");
        if o["required"].as_bool().unwrap_or(false) {
            if optional_seen {
                out.add(
                    &format!("{here}.required"),
                    "Required options must be placed before non-required options",
                );
            }
        } else {
            optional_seen = true;
        }
        for (k, choice) in o["choices"].as_array().into_iter().flatten().enumerate() {
            out.len(
                &format!("{here}.choices.{k}.name"),
                choice["name"].as_str(),
                1,
                100,
            );
        }
        command(o, &here, out);
    }
}

/// `^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lowercase where a letter
/// has a lowercase form. (Devanagari and Thai letters are already `\p{L}`;
/// their combining marks are allowed too, approximated by non-ASCII
/// alphanumerics below.)
pub fn name_pattern(name: &str) -> bool {
    let n = name.chars().count();
    (1..=32).contains(&n)
        && name.chars().all(|ch| {
            ch == '-'
                || ch == '_'
                || ch.is_alphanumeric()
                || ('\u{0900}'..='\u{097F}').contains(&ch)
                || ('\u{0E00}'..='\u{0E7F}').contains(&ch)
        })
        && name.to_lowercase() == name
}
