//! The `roster` command line. Thin by design: parsing arguments, reading and writing files,
//! exit codes; every decision is made by the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
