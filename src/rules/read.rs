//! What every reader of a rule file shares (the rule, its amount, its examples): small helpers over
//! `toml_read`'s tables. It imports none of the readers, so that they import it and not each other.

use crate::toml_read::{Ctx, Table};

/// A required text, or the empty text after reporting it missing (reading goes on).
pub(super) fn req_text(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &'static str) -> String {
    t.req_str(ctx, key)
        .map(|(s, _)| s.to_owned())
        .unwrap_or_default()
}
