fn main() -> std::process::ExitCode {
    planbook::cli::main()
}
