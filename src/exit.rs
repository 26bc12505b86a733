//! The exit codes (SPEC §1), in one place, and the code of each fatal error (`app::finish` writes
//! the text that ends a command). `0` the command did its job (whatever the eligibility outcome), `1`
//! bad input, bad rules or a failed write, `2` a command-line usage error, `130` the questionnaire
//! stopped by Ctrl-C. Writing to a closed pipe is not a failure.

use crate::error::Error;

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The command did its job.
    Success = 0,
    /// Bad input, bad rules, or output that could not be written.
    Failure = 1,
    /// A command-line usage error.
    Usage = 2,
    /// The questionnaire was interrupted (Ctrl-C): 128 + SIGINT, as a shell reports it.
    Interrupted = 130,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

impl ExitCode {
    /// The code a fatal error ends the process with.
    #[must_use]
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Usage(_) => ExitCode::Usage,
            Error::Interrupted => ExitCode::Interrupted,
            Error::Input(_) | Error::Io { .. } | Error::Rules { .. } => ExitCode::Failure,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Fault;

    #[test]
    fn each_error_has_its_code() {
        assert_eq!(
            ExitCode::of(&Error::Usage(Fault::new(None, "m"))),
            ExitCode::Usage
        );
        assert_eq!(
            ExitCode::of(&Error::Input(Fault::new(None, "m"))),
            ExitCode::Failure
        );
        assert_eq!(ExitCode::of(&Error::Interrupted), ExitCode::Interrupted);
        let rules = Error::Rules {
            rendered: String::new(),
        };
        assert_eq!(ExitCode::of(&rules), ExitCode::Failure);
        assert_eq!(std::process::ExitCode::from(ExitCode::Usage), 2.into());
    }
}
