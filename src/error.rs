//! Fatal errors of a command, as data: what is wrong (`message`), where (`context`: the option or the
//! input at fault, and `place` inside that input), and how to fix it (`suggestion`). They are rendered
//! once for people (`Fault::text`, through `Display`) and once for the HTTP API (`serve`), which matches
//! on `Kind` rather than on words. Exit codes are in `exit`. Per-profile problems in batch mode are not
//! errors here: they are reported in place and set exit 1 at the end.

use std::fmt;
use std::io;

/// A failure that stops the command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag value that is wrong (exit 2, like clap's own usage errors).
    #[error("{0}")]
    Usage(Fault),
    /// A profile, an input file or an argument that cannot be used (exit 1).
    #[error("{0}")]
    Input(Fault),
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
    /// The rule set has errors; `rendered` holds the diagnostics, already formatted (each diagnostic
    /// is data until `diagnostic` renders it).
    #[error("{rendered}")]
    Rules { rendered: String },
}

impl Error {
    /// A usage error: `message`, and what to do instead.
    #[must_use]
    pub fn usage(context: Option<Context>, message: impl Into<String>, suggestion: &str) -> Self {
        Error::Usage(Fault::new(context, message).suggest(suggestion))
    }

    /// Bad input: `message`, and what to do instead.
    #[must_use]
    pub fn input(context: Option<Context>, message: impl Into<String>, suggestion: &str) -> Self {
        Error::Input(Fault::new(context, message).suggest(suggestion))
    }

    /// The fault, for an error that has one.
    #[must_use]
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            Error::Usage(f) | Error::Input(f) => Some(f),
            Error::Io { .. } | Error::Interrupted | Error::Rules { .. } => None,
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

/// What is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: Kind,
    /// The option or input at fault.
    pub context: Option<Context>,
    /// Where in that input: `ligne 3`, `ligne 1, colonne 5`, `profil n° 2 du tableau (ligne 4)`.
    pub place: Option<String>,
    pub message: String,
    /// What to type or do instead.
    pub suggestion: Option<String>,
}

/// What sort of fault, for those who answer differently (the server's status codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value, an option or an input that cannot be used.
    Invalid,
    /// An input item longer than a profile may be.
    TooLong,
}

/// The part of the command line at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// The profiles read from `--input`.
    Input,
    /// An option or a command as people read it: `option --region`, `--jobs 70`, `aides man`.
    Arg(String),
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Context::Input => f.write_str("--input"),
            Context::Arg(a) => f.write_str(a),
        }
    }
}

impl Fault {
    #[must_use]
    pub fn new(context: Option<Context>, message: impl Into<String>) -> Self {
        Fault {
            kind: Kind::Invalid,
            context,
            place: None,
            message: message.into(),
            suggestion: None,
        }
    }

    /// The same fault, with what to do instead.
    #[must_use]
    pub fn suggest(self, suggestion: impl Into<String>) -> Self {
        Fault {
            suggestion: Some(suggestion.into()),
            ..self
        }
    }

    /// The message with its place: `ligne 3 : champ « zone » : …`.
    #[must_use]
    pub fn placed(&self) -> String {
        match &self.place {
            Some(place) => format!("{place} : {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// For people: `context : place : message`, then the suggestion on its own line.
impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(context) = &self.context {
            write!(f, "{context} : ")?;
        }
        f.write_str(&self.placed())?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "\n  aide : {suggestion}")?;
        }
        Ok(())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_is_written_once_context_place_message_then_its_suggestion() {
        let f = Fault {
            place: Some("ligne 3".into()),
            ..Fault::new(Some(Context::Input), "champ « zonne » : champ inconnu")
                .suggest("vouliez-vous dire « zone » ?")
        };
        assert_eq!(
            f.to_string(),
            "--input : ligne 3 : champ « zonne » : champ inconnu\n  aide : vouliez-vous dire « zone » ?"
        );
        assert_eq!(f.placed(), "ligne 3 : champ « zonne » : champ inconnu");
        let bare = Fault::new(
            Some(Context::Arg("option --region".into())),
            "région « x » inconnue",
        );
        assert_eq!(bare.to_string(), "option --region : région « x » inconnue");
        assert_eq!(
            Fault::new(None, "m").suggest("s").to_string(),
            "m\n  aide : s"
        );
    }

    #[test]
    fn usage_and_input_errors_keep_their_fault_as_data() {
        let e = Error::usage(None, "aucune commande", "aides --help");
        assert_eq!(e.to_string(), "aucune commande\n  aide : aides --help");
        let f = e.fault().expect("a usage error has a fault");
        assert_eq!(f.suggestion.as_deref(), Some("aides --help"));
        assert_eq!(f.kind, Kind::Invalid);
        let e = Error::input(Some(Context::Input), "entrée vide", "un objet JSON");
        assert!(matches!(e, Error::Input(ref f) if f.context == Some(Context::Input)));
        assert!(Error::Interrupted.fault().is_none());
        let io = Error::stdout(io::ErrorKind::BrokenPipe.into());
        assert!(io.is_broken_pipe() && io.fault().is_none());
    }
}
