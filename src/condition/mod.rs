//! The condition language, whole: its model (`model`), its one traversal and what the analyses ask of
//! a node (`walk`), its reading from rule files (`read`, with `field` for field names and values), its
//! three-valued evaluation (`logic`), its description in French (`describe`, and `detail` for what a
//! condition read and computed), and its checks (`check`: contradictions, coverage by the examples).
//! A new kind of condition is a variant here and the exhaustive matches the compiler then asks for in
//! this folder, nowhere else. A ground-floor module: it knows the profile, the reference data, the
//! diagnostics and `toml_read`, never rules, evaluation of aids, reports or output.

pub mod check;
pub mod describe;
pub mod detail;
pub mod field;
pub mod logic;
mod model;
pub mod read;
pub mod walk;

pub use self::model::{
    CmpOp, Condition, ConditionQuestion, Leaf, Node, Operand, Scalar, SharedCondition,
    SharedConditions, Test,
};
pub use self::walk::{Reach, Role};
