#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! Plain serde types of the plan as authors write it (outline, datasets, views)
//! and of what the compute stage derives (tables, charts, values).

pub mod amount;
pub mod budget;
pub mod chart;
pub mod companies;
pub mod dataset;
pub mod feedback;
pub mod outline;
pub mod performance;
pub mod table;

pub use amount::Amount;
