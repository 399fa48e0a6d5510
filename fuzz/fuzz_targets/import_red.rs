//! The red importer on any bytes as a Red-DiscordBot YAML list (`prepbot bank import`).
#![no_main]

#[path = "shared/import.rs"]
mod import;

use libfuzzer_sys::fuzz_target;
use prepbot::bank::import::ImportFormat;

fuzz_target!(|data: &[u8]| import::check(ImportFormat::Red, data));
