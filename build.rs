//! Compiles the shipped question bank into the binary: writes
//! `$OUT_DIR/builtin_bank.rs` with an `include_str!` per file of
//! `questions/`, so `prepbot` works from any folder after `cargo install`.
//! `include_str!` makes cargo rebuild when a file changes; the folder is
//! watched too, for files added or removed.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time, not baked in with env!: a build script compiled for
    // one checkout must not read another checkout's questions when target
    // folders are shared (CI reuses one for every fresh clone).
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("questions");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the questions/ folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// `(file name, text)` of every file of `questions/`, sorted by name.\npub static FILES: &[(&str, &str)] = &[\n");
    for f in files {
        let name = f.file_name().expect("a file name").to_string_lossy();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_bank.rs");
    std::fs::write(dest, out).expect("writing builtin_bank.rs");
}
