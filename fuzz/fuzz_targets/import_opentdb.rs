//! The opentdb importer on any bytes as an Open Trivia DB JSON response (`prepbot bank import`).
#![no_main]

#[path = "shared/import.rs"]
mod import;

use libfuzzer_sys::fuzz_target;
use prepbot::bank::import::ImportFormat;

fuzz_target!(|data: &[u8]| import::check(ImportFormat::Opentdb, data));
