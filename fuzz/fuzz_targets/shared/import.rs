//! The importers' property, shared by the `import_red` and `import_opentdb`
//! targets: any file converts or is refused, never panics, and every
//! question kept, written out, loads again.

use prepbot::bank::import::{convert, to_toml, ImportFormat, ImportOptions};
use prepbot::bank::{load_str, parse_topics, Topic};

const TOPICS: &str = "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"queries\"\n";

/// Feeds `data` to the importer of `format` and checks what it keeps.
pub fn check(format: ImportFormat, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let topics = parse_topics("topics.toml", TOPICS).expect("the fuzz topics load");
    let opts = ImportOptions {
        topic: Topic::parse("sql").expect("a topic"),
        difficulty: None,
        force: true,
    };
    if let Ok(c) = convert(format, "fuzz", "fuzz", &text, &opts, &topics) {
        let questions: Vec<_> = c.drafts.iter().map(|d| d.question.clone()).collect();
        let file = to_toml(&c.header, &questions);
        assert!(load_str("fuzz.toml", &file, &topics).is_ok(), "{file}");
    }
}
