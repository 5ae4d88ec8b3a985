//! Questionnaire definitions: model, TOML loading, validation.
