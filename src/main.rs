fn main() -> std::process::ExitCode {
    xsign::cli::main()
}
