//! The integration tests: one binary, a module per area (so the crates
//! link once). Shared builders live in `support`.

mod support;

mod batch_calculates;
mod batch_interop;
mod batch_roundtrip;
mod batch_tamper;
mod check_cli;
mod cli_app_lock;
mod cli_assignment;
mod cli_batches;
mod cli_logs;
mod e2e_office_pty;
mod e2e_pty;
mod e2e_review_pty;
mod estimate_r;
mod export_encryption;
mod flow;
mod fuzz_targets;
mod hostile_input;
mod import_csv;
mod import_xlsx;
mod office_app;
mod office_ingest;
mod office_orders;
mod office_register;
mod office_report;
mod office_sample;
mod office_sample_history;
mod office_scores;
mod office_support;
mod reserves;
mod resident_flows;
mod review_app;
mod review_cli;
mod review_communities;
mod review_figures;
mod review_flags;
mod review_screens;
mod store_api;
mod store_at_rest;
mod store_crash;
mod store_faults;
mod surveyor_id;
mod tui_flows;
mod tui_screens;
