//! Fatal errors of a command and their exit codes: 1 for bad input or bad rules, 2 for a usage error,
//! 130 for a questionnaire stopped by Ctrl-C.
//! Per-profile problems in batch mode are not errors here: they are reported in place and set exit 1 at
//! the end.

use std::io;

/// A failure that stops the command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag value that is wrong (exit 2, like clap's own usage errors).
    #[error("{message}")]
    Usage { message: String },
    /// A profile, an input file or an argument that cannot be used (exit 1).
    #[error("{message}")]
    Input { message: String },
    /// A lone profile longer than a profile may be (`input::MAX_ITEM_BYTES`): not read (exit 1).
    #[error("{message}")]
    TooLong { message: String },
    /// Reading or writing failed.
    #[error("{path} : {}", fr_io(source))]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The physician stopped the questionnaire with Ctrl-C (exit 130, as a shell reports SIGINT).
    #[error("questionnaire interrompu (Ctrl-C) : aucune réponse donnée")]
    Interrupted,
    /// The rule set has errors; `rendered` holds the diagnostics, already formatted.
    #[error("{rendered}")]
    Rules { rendered: String },
}

impl Error {
    #[must_use]
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            Error::Usage { .. } => crate::exit::ExitCode::Usage,
            Error::Interrupted => crate::exit::ExitCode::Interrupted,
            _ => crate::exit::ExitCode::Failure,
        }
    }

    /// Writing to a closed pipe (`aides … | head`) is not a failure.
    #[must_use]
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    pub(crate) fn stdout(source: io::Error) -> Self {
        Error::Io {
            path: "sortie standard".into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An I/O error in French for the common cases (the system's text otherwise).
#[must_use]
pub fn fr_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "fichier ou dossier introuvable".to_owned(),
        io::ErrorKind::PermissionDenied => "accès refusé".to_owned(),
        io::ErrorKind::IsADirectory => "c'est un dossier, pas un fichier".to_owned(),
        io::ErrorKind::InvalidData => "contenu illisible (le texte doit être en UTF-8)".to_owned(),
        io::ErrorKind::StorageFull => "disque plein".to_owned(),
        io::ErrorKind::AlreadyExists => "existe déjà".to_owned(),
        io::ErrorKind::NotADirectory => "ce n'est pas un dossier".to_owned(),
        io::ErrorKind::TimedOut => "délai dépassé".to_owned(),
        io::ErrorKind::Interrupted => "interrompu".to_owned(),
        io::ErrorKind::UnexpectedEof => "fin de fichier inattendue".to_owned(),
        io::ErrorKind::BrokenPipe => "le programme qui lit la sortie s'est arrêté".to_owned(),
        _ => format!("erreur du système ({e})"),
    }
}
