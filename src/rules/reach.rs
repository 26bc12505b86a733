//! Finding conditions that can never be true: contradictory requirements on one field across the
//! conditions of an aid (`zone = ZIP` and `zone = ZAC`), and `un_de` branches that contradict them.

use super::model::Aide;
use crate::diagnostic::Diagnostic;

/// The contradictions of one aid (filled in by the validation work).
#[must_use]
pub fn check(_aide: &Aide) -> Vec<Diagnostic> {
    Vec::new()
}
