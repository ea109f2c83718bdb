//! The reference pinning service (issue 5). Placeholder until it lands.

fn main() {
    eprintln!("pinning-service: not built yet");
    std::process::exit(1);
}
