//! Rebuild when the embedded default theme or the `init` scaffold changes: `include_dir!`
//! cannot tell cargo which files it read.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src/init/files");
}
