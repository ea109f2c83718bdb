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
fn standalone_crates_carry_the_runtime_as_a_crate_beside_them() {
    let api = generator::load(&common::read("ipfs-pinning-service.yaml")).unwrap();
    let files = generator::emit::krate::standalone(&api, "x", "h").unwrap();
    let dir = generator::emit::krate::RUNTIME_DIR;
    for (path, text) in generator::emit::krate::RUNTIME_FILES {
        let copied = files.iter().find(|f| f.path == format!("{dir}/src/{path}"));
        assert_eq!(copied.map(|f| f.contents.as_str()), Some(*text), "{path}");
    }
    let manifest = |path: &str| files.iter().find(|f| f.path == path).map(|f| f.contents.clone()).unwrap();
    let runtime = manifest(&format!("{dir}/Cargo.toml"));
    assert!(runtime.contains("name = \"openapi-runtime\""), "{runtime}");
    assert!(!runtime.contains("workspace = true"), "no inheritance outside the workspace: {runtime}");
    let krate = manifest("Cargo.toml");
    assert!(krate.contains(&format!("openapi-runtime = {{ path = \"{dir}\" }}")), "{krate}");
    assert!(krate.contains("client = [\"openapi-runtime/client\""), "{krate}");
    let lib = manifest("src/lib.rs");
    assert!(lib.contains("pub use ::openapi_runtime as runtime;"), "{lib}");
}
