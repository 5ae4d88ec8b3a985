//! `doorstep keygen`, and unlocking the signing key for `export`.

use doorstep::{errln, outln};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use doorstep_batch::{SigningKey, key_paths, keygen};
use doorstep_store::config::Config;

use super::Places;

/// For scripts and tests: the key password, instead of a prompt.
pub const PASSWORD_ENV: &str = "DOORSTEP_KEY_PASSWORD";

/// `supervisor`: a supervisor's key (the id is kept in the config as the
/// surveyor's would be: it names whoever signs on this machine).
pub fn run(
    places: &Places,
    surveyor: Option<String>,
    supervisor: Option<String>,
    no_password: bool,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let opened = places.open()?;
    let mut config = opened.config.clone();
    let for_supervisor = supervisor.is_some();
    let surveyor = match supervisor.or(surveyor).or(config.surveyor_id.clone()) {
        Some(s) => s,
        None => ask("Surveyor id: ")?,
    };
    let password = if no_password {
        None
    } else {
        Some(new_password()?)
    };
    let key = keygen(&opened.data_dir, &surveyor, password.as_deref(), force)?;
    if config.surveyor_id.as_deref() != Some(surveyor.as_str()) {
        config.surveyor_id = Some(surveyor.clone());
        config.save(&opened.config_path)?;
    }
    tracing::info!(
        surveyor_id = %surveyor,
        supervisor = for_supervisor,
        public_key = %key.public_key_path.display(),
        password = password.is_some(),
        "signing key created"
    );
    outln!("{}", key.public_key_text.trim_end())?;
    let give = if for_supervisor {
        "give this file to your surveyors: `doorstep assign --decisions FILE --keys DIR` \
         checks your decisions files with it"
    } else {
        "give this file to your supervisor: it checks your batches with it"
    };
    errln!(
        "secret key: {} (readable by you only{})\npublic key: {} ({give})",
        key.secret_key_path.display(),
        if password.is_some() {
            ", password-protected"
        } else {
            ", no password"
        },
        key.public_key_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The surveyor's signing key, unlocked with the password from
/// DOORSTEP_KEY_PASSWORD or a prompt.
pub fn signing_key(data_dir: &Path, config: &Config) -> anyhow::Result<SigningKey> {
    let surveyor = config
        .surveyor_id
        .clone()
        .context("no surveyor id configured: run `doorstep keygen --surveyor ID` first")?;
    let (secret, _) = key_paths(data_dir, &surveyor);
    if !secret.exists() {
        bail!(
            "no signing key for surveyor {surveyor} ({}): run `doorstep keygen` first",
            secret.display()
        );
    }
    Ok(SigningKey::load(&secret, |path| {
        match std::env::var(PASSWORD_ENV) {
            Ok(p) => Ok(p),
            Err(_) => rpassword::prompt_password(format!("Password for {}: ", path.display()))
                .map_err(|e| {
                    // rpassword reads /dev/tty: without one the OS says "No
                    // such device or address", which tells nobody anything.
                    io::Error::other(format!(
                        "no terminal to ask the key password on ({}): set {PASSWORD_ENV}",
                        doorstep_core::fs::os_message(&e)
                    ))
                }),
        }
    })?)
}

fn new_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        if p.is_empty() {
            bail!(
                "{PASSWORD_ENV} is empty: an empty password protects nothing; \
                 set a password, or use --no-password if that is what you want"
            );
        }
        return Ok(p);
    }
    if !io::stdin().is_terminal() {
        bail!("no terminal to ask a password on: set {PASSWORD_ENV}, or use --no-password");
    }
    loop {
        let a = rpassword::prompt_password("New key password: ")?;
        if a.is_empty() {
            errln!(
                "An empty password protects nothing; use --no-password if that is what you want."
            );
            continue;
        }
        let b = rpassword::prompt_password("Again: ")?;
        if a == b {
            return Ok(a);
        }
        errln!("The two passwords differ; try again.");
    }
}

fn ask(prompt: &str) -> anyhow::Result<String> {
    if !io::stdin().is_terminal() {
        bail!("no surveyor id: pass --surveyor ID");
    }
    eprint!("{prompt}");
    io::stderr().flush()?;
    let mut line = String::new();
    io::stdin().read_line(&mut line)?;
    let id = line.trim().to_string();
    if id.is_empty() {
        bail!("no surveyor id given");
    }
    Ok(id)
}
