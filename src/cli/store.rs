//! Unlocking the encrypted store, for every command that opens it, and
//! `doorstep store encrypt|password`.
//!
//! The password comes from `DOORSTEP_STORE_PASSWORD` (scripts), else from a
//! prompt on the terminal, asked once per command (three tries). A new
//! store is always created encrypted: the first start asks for a new
//! password (twice). A plain store written by an older doorstep still
//! opens, with a note on every start until `doorstep store encrypt`.

use doorstep::{errln, outln};
use std::io::{self, IsTerminal as _};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use doorstep_store::at_rest::{self, FileState, MIN_PASSWORD_CHARS, StorePassword};
use doorstep_store::{Store, StoreError, database_path};

use super::Places;

/// For scripts and tests: the store's password, instead of a prompt.
pub const PASSWORD_ENV: &str = "DOORSTEP_STORE_PASSWORD";
/// For scripts: the new password of `doorstep store password`.
pub const NEW_PASSWORD_ENV: &str = "DOORSTEP_NEW_STORE_PASSWORD";

const TRIES: usize = 3;

/// Opens (creating if need be) the store in `data_dir`, unlocking it.
pub fn open(data_dir: &Path) -> anyhow::Result<Store> {
    let path = database_path(data_dir);
    let opened = match at_rest::file_state(&path)? {
        FileState::Plain => {
            errln!(
                "doorstep: note: the store {} is not encrypted; `doorstep store encrypt` \
                 encrypts it / 数据库未加密，可用 `doorstep store encrypt` 加密",
                path.display()
            );
            Store::open(&path)
        }
        FileState::Unknown => Store::open(&path),
        FileState::Missing => {
            let password = new_password(PASSWORD_ENV, "the new store")?;
            Store::open_encrypted(&path, password)
        }
        FileState::Encrypted => return unlock(&path),
    };
    opened.with_context(|| format!("cannot open the store in {}", data_dir.display()))
}

/// Opens the store at `path` if it exists (`None` otherwise), unlocking it.
pub fn open_existing(path: &Path) -> anyhow::Result<Option<Store>> {
    match at_rest::file_state(path)? {
        FileState::Missing => Ok(None),
        FileState::Plain | FileState::Unknown => {
            Ok(Some(Store::open(path).with_context(|| {
                format!("cannot open the store {}", path.display())
            })?))
        }
        FileState::Encrypted => Ok(Some(unlock(path)?)),
    }
}

/// The password of an existing encrypted store: from the environment (one
/// try) or the terminal (three).
fn unlock(path: &Path) -> anyhow::Result<Store> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        let password = StorePassword::new(p).with_context(|| format!("{PASSWORD_ENV} is empty"))?;
        return Store::open_encrypted(path, password).map_err(Into::into);
    }
    if !io::stdin().is_terminal() {
        return Err(StoreError::PasswordNeeded(path.to_path_buf()).into());
    }
    for n in 1..=TRIES {
        let typed = rpassword::prompt_password(format!(
            "Store password / 数据库密码 ({}): ",
            path.display()
        ))?;
        let Ok(password) = StorePassword::new(typed) else {
            continue;
        };
        match Store::open_encrypted(path, password) {
            Err(StoreError::WrongPassword(_)) if n < TRIES => {
                errln!("Wrong password, try again. / 密码不对，请重试。");
            }
            other => return other.map_err(Into::into),
        }
    }
    Err(StoreError::WrongPassword(path.to_path_buf()).into())
}

/// A new password: from `env`, else asked twice on the terminal.
fn new_password(env: &str, what: &str) -> anyhow::Result<StorePassword> {
    if let Ok(p) = std::env::var(env) {
        return StorePassword::new_for_store(p).with_context(|| env.to_string());
    }
    if !io::stdin().is_terminal() {
        bail!(
            "{what} needs a password and there is no terminal to ask it on: set {env} \
             (at least {MIN_PASSWORD_CHARS} characters)"
        );
    }
    errln!(
        "Choose a password for {what} (at least {MIN_PASSWORD_CHARS} characters). It is asked \
         whenever doorstep opens; without it the residents' data cannot be read.\n\
         请为数据库设置密码（至少 {MIN_PASSWORD_CHARS} 个字符）。每次打开 doorstep 都要输入；\
         忘记密码则数据无法读取。"
    );
    loop {
        let a = rpassword::prompt_password("New store password / 新密码: ")?;
        let a = match StorePassword::new_for_store(a) {
            Ok(a) => a,
            Err(e) => {
                errln!("{e}");
                continue;
            }
        };
        let b = rpassword::prompt_password("Again / 再输一次: ")?;
        if StorePassword::new(b).is_ok_and(|b| a == b) {
            return Ok(a);
        }
        errln!("The two passwords differ; try again. / 两次输入不一致，请重试。");
    }
}

/// `doorstep store encrypt`: encrypts a plain store in place.
pub fn encrypt(places: &Places) -> anyhow::Result<ExitCode> {
    let data_dir = doorstep_store::config::resolve_data_dir(places.data_dir.clone())?;
    let _lock = doorstep_store::app_lock::lock(&data_dir)?;
    let path = database_path(&data_dir);
    match at_rest::file_state(&path)? {
        FileState::Missing => bail!(
            "no store in {}: a new store is created encrypted",
            data_dir.display()
        ),
        FileState::Unknown => bail!(
            "{} is neither an SQLite database nor an encrypted doorstep store",
            path.display()
        ),
        FileState::Encrypted => {
            outln!("{} is already encrypted", path.display())?;
            return Ok(ExitCode::SUCCESS);
        }
        FileState::Plain => {}
    }
    let password = new_password(PASSWORD_ENV, "the store")?;
    at_rest::encrypt_plain(&path, &password)
        .with_context(|| format!("cannot encrypt {}", path.display()))?;
    // Proves the new file opens, and says so.
    let store = Store::open_encrypted(&path, password)?;
    let counts = store.status()?;
    outln!(
        "{} is now encrypted ({} residents, {} interviews completed). Copies of the old, plain \
         file (backups, the disk's free space) are not: delete the backups.",
        path.display(),
        counts.residents,
        counts.completed
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `doorstep store password`: a new password for an encrypted store.
pub fn change_password(places: &Places) -> anyhow::Result<ExitCode> {
    let data_dir = doorstep_store::config::resolve_data_dir(places.data_dir.clone())?;
    let _lock = doorstep_store::app_lock::lock(&data_dir)?;
    let path = database_path(&data_dir);
    if at_rest::file_state(&path)? != FileState::Encrypted {
        bail!(
            "{} is not encrypted: `doorstep store encrypt` encrypts it",
            path.display()
        );
    }
    // The old password, checked before a new one is asked for.
    let old = current_password(&path)?;
    let new = new_password(NEW_PASSWORD_ENV, "the store")?;
    at_rest::change_password(&path, &old, &new)
        .with_context(|| format!("cannot change the password of {}", path.display()))?;
    Store::open_encrypted(&path, new)?;
    outln!("{}: the password is changed", path.display())?;
    Ok(ExitCode::SUCCESS)
}

/// The current password, checked against the store.
fn current_password(path: &Path) -> anyhow::Result<StorePassword> {
    let from_env = std::env::var(PASSWORD_ENV).ok();
    if from_env.is_none() && !io::stdin().is_terminal() {
        return Err(StoreError::PasswordNeeded(path.to_path_buf()).into());
    }
    for n in 1..=TRIES {
        let typed = match &from_env {
            Some(p) => p.clone(),
            None => rpassword::prompt_password("Current store password / 当前密码: ")?,
        };
        let password = StorePassword::new(typed)?;
        match Store::open_encrypted(path, password.clone()) {
            Ok(_) => return Ok(password),
            Err(StoreError::WrongPassword(_)) if from_env.is_none() && n < TRIES => {
                errln!("Wrong password, try again. / 密码不对，请重试。");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::WrongPassword(path.to_path_buf()).into())
}
