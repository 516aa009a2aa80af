fn main() {
    // The migrations are embedded in the binary (diesel_migrations::embed_migrations!), and a
    // macro cannot tell cargo to watch a directory: without this a new migration would not
    // reach the build until some Rust file changed.
    println!("cargo:rerun-if-changed=migrations");
}
