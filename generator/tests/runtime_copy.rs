//! Standalone crates carry the runtime crate's sources: every file of
//! `runtime/src/` is embedded, unchanged, in `krate::RUNTIME_FILES`.

mod common;

use std::path::Path;

#[test]
fn every_runtime_file_is_embedded_as_it_is() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src");
    let found = common::rust_files(&src);
    let mut on_disk: Vec<String> =
        found.iter().map(|p| p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/")).collect();
    on_disk.sort();
    let mut embedded: Vec<String> =
        generator::emit::krate::RUNTIME_FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "runtime/src and krate::RUNTIME_FILES differ");
    for (path, text) in generator::emit::krate::RUNTIME_FILES {
        assert_eq!(std::fs::read_to_string(src.join(path)).unwrap(), *text, "{path}");
    }
}

#[test]
fn the_runtime_module_inlines_every_module_once() {
    let module = generator::emit::krate::runtime_module();
    for name in ["validation", "client", "server", "builder", "params", "multipart_body"] {
        assert_eq!(module.matches(&format!("mod {name} {{")).count(), 1, "`mod {name}` is not inlined exactly once");
        assert!(!module.contains(&format!("mod {name};")), "`mod {name};` is left as a declaration");
    }
    // Relative paths only: the copy lives at `crate::runtime`.
    assert!(!module.contains("crate::"), "the runtime names `crate::`, which the copy would break");
}
