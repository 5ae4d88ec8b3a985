//! Between the screens and the store: loads what a screen shows and saves
//! what it records. Every call here is one short SQLite transaction.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Local, NaiveDateTime, Utc};
use uuid::Uuid;

use super::i18n::{Lang, msg};
use super::screens::interview::{AnswerSink, InterviewScreen};
use super::screens::list::{ListEntry, QuotaLine};
use super::screens::resident::{ResidentScreen, VisitLine};
use super::screens::summary::SummaryData;
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_core::assignment::{Disposition, Resident};
use doorstep_core::interview::{Answer, AnswerValue, Interview, Slot};
use doorstep_core::questionnaire::Questionnaire;
use doorstep_store::{
    InterviewStatus, NewVisit, NextInterview, Progress, ResidentRow, SavedPosition, Store,
    StoreError, Visit,
};

/// Store errors as the surveyor reads them.
fn say(e: StoreError) -> String {
    e.to_string()
}

/// A store error in the interface language. Technical details (SQLite's
/// own message, ids) stay as they are: they are for the supervisor.
fn say_in(e: StoreError, ui: Lang) -> String {
    if ui != Lang::Zh {
        return e.to_string();
    }
    match &e {
        StoreError::DiskFull => "磁盘已满：刚才的修改没有保存（之前保存的内容都安全）。请清理磁盘空间（不要删除 doorstep 的数据目录）后重试".into(),
        StoreError::ReadOnly => "数据目录只读：无法保存。请检查目录权限或磁盘是否写保护".into(),
        StoreError::Locked => {
            "另一个 doorstep 正在使用这个数据目录（数据库被锁定）。请关闭另一个后重试".into()
        }
        StoreError::Corrupt(_) => {
            "数据库已损坏。请停止操作，不要删除任何文件：把整个数据目录复制到安全的地方并联系督导".into()
        }
        StoreError::CannotOpen(d) => format!("无法打开数据库：{d}。请检查数据目录是否存在且可写"),
        StoreError::SchemaTooNew { found, supported } => format!(
            "数据库由更新版本的 doorstep 写入（结构版本 {found}，本版本最高支持 {supported}）。请安装新版本后使用"
        ),
        StoreError::QuestionnaireChanged { id, version } => format!(
            "已存有编号 {id}、版本 {version} 的另一份问卷；新问卷请使用新的版本号"
        ),
        StoreError::NotFound(what) => format!("未找到：{what}"),
        StoreError::InterviewInProgress {
            resident_id,
            interview_id,
        } => format!(
            "居民 {resident_id} 已有一份进行中的访问（{interview_id}）；请先继续或结束它"
        ),
        StoreError::InterviewFinished(id) => format!("访问 {id} 已结束，不能再修改"),
        StoreError::OtherSurveyor { signer, others } => format!(
            "待导出的记录属于调查员 {}，不是签名密钥的调查员 {signer}：未导出任何内容。请用该调查员的密钥导出",
            others.join("、")
        ),
        StoreError::InvalidId(d) => format!("编号不能用（{d}）：只能用字母、数字、-、_ 和 ."),
        StoreError::Other(d) => format!("数据库错误：{d}"),
        StoreError::WeakPassword(_) => format!(
            "数据库密码不能为空，且至少 {} 个字符",
            doorstep_store::at_rest::MIN_PASSWORD_CHARS
        ),
        StoreError::WrongPassword(p) => format!(
            "密码无法打开数据库 {}：密码不对（或该文件不是 doorstep 数据库）。没有任何改动，请重试",
            p.display()
        ),
        StoreError::PasswordNeeded(p) => format!(
            "数据库 {} 已加密：请输入密码（或在脚本中设置 DOORSTEP_STORE_PASSWORD）",
            p.display()
        ),
        StoreError::NotEncrypted(p) => format!(
            "数据库 {} 未加密，不需要密码；可用 `doorstep store encrypt` 加密",
            p.display()
        ),
    }
}

impl From<ResidentRow> for ListEntry {
    fn from(r: ResidentRow) -> Self {
        // An interview under way is a contact: its visit is recorded when
        // it ends, but the list counts it already.
        let visits = r.visits + u32::from(r.status == ResidentStatus::InProgress);
        ListEntry {
            resident: r.resident,
            status: r.status,
            appointment: r.appointment,
            visits,
        }
    }
}

/// The first `limit` residents in walking order: enough for the first frame.
pub fn first_page(store: &Store, limit: u64) -> Result<Vec<ListEntry>, String> {
    Ok(store
        .residents_page(None, 0, limit)
        .map_err(say)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Every resident in walking order.
pub fn all_entries(store: &Store) -> Result<Vec<ListEntry>, String> {
    first_page(store, u64::MAX >> 1)
}

pub fn list_entry(store: &Store, resident_id: &str) -> Result<Option<ListEntry>, String> {
    Ok(store
        .resident_row(resident_id)
        .map_err(say)?
        .map(Into::into))
}

fn visit_lines(visits: Vec<Visit>) -> Vec<VisitLine> {
    visits
        .into_iter()
        .map(|v| VisitLine {
            attempt: v.attempt,
            at: v.at,
            disposition: v.disposition,
            note: v.note,
            appointment: v.appointment,
        })
        .collect()
}

pub fn resident_screen(store: &Store, resident_id: &str) -> Result<ResidentScreen, String> {
    let row = store
        .resident_row(resident_id)
        .map_err(say)?
        .ok_or_else(|| format!("resident {resident_id} is not in the assignment"))?;
    let visits = visit_lines(store.visits(resident_id).map_err(say)?);
    let next = store.next_interview(resident_id).map_err(say)?;
    let mut screen = ResidentScreen::new(row.resident, row.status, visits, next);
    // An interview the supervisor sent back: say why, where the surveyor looks.
    if let Some(note) = store.reopen_note(resident_id).map_err(say)? {
        screen.supervisor_comment = Some(note.comment.unwrap_or_default());
    }
    Ok(screen)
}

pub fn record_visit(
    store: &Store,
    ui: Lang,
    resident_id: &str,
    disposition: Disposition,
    note: Option<String>,
    appointment: Option<NaiveDateTime>,
) -> Result<(Vec<VisitLine>, ResidentStatus), String> {
    let visit = store
        .record_visit(
            resident_id,
            NewVisit {
                at: Utc::now(),
                disposition,
                note,
                appointment,
                interview_id: None,
            },
        )
        .inspect_err(|e| tracing::error!(resident_id, "visit not saved: {e}"))
        .map_err(|e| say_in(e, ui))?;
    tracing::info!(
        visit_id = visit.id,
        resident_id,
        attempt = visit.attempt,
        disposition = visit.disposition.code(),
        "visit recorded"
    );
    let visits = visit_lines(store.visits(resident_id).map_err(say)?);
    let status = store
        .resident_row(resident_id)
        .map_err(say)?
        .map_or(ResidentStatus::ToVisit, |r| r.status);
    Ok((visits, status))
}

/// Why the app would not open an interview.
#[derive(Debug, Clone, PartialEq)]
pub enum OpenError {
    /// The resident has a finished interview: a second one needs the
    /// surveyor's confirmation (`another`).
    NeedsConfirmation(Disposition),
    Failed(String),
}

impl From<String> for OpenError {
    fn from(e: String) -> Self {
        OpenError::Failed(e)
    }
}

/// Resumes the resident's open interview (or their partial one, not yet
/// exported), or starts one. After a finished interview a new one starts
/// only with `another` (the surveyor confirmed it).
pub fn open_interview(
    store: &Store,
    q: &'static Questionnaire,
    resident: &Resident,
    surveyor_id: &str,
    another: bool,
    ui: Lang,
) -> Result<InterviewScreen, OpenError> {
    let fields: HashMap<String, String> = resident.expression_fields();
    let label = format!(
        "{} {}",
        resident.name,
        resident.room.as_deref().unwrap_or("")
    );
    let resume = match store
        .next_interview(&resident.resident_id)
        .map_err(|e| say_in(e, ui))?
    {
        NextInterview::Resume { id, .. } => Some(id),
        NextInterview::ResumePartial { id } => {
            store.resume_partial(id).map_err(|e| say_in(e, ui))?;
            tracing::info!(interview_id = %id, resident_id = %resident.resident_id, "partial interview reopened");
            Some(id)
        }
        NextInterview::Another { last } if !another => {
            return Err(OpenError::NeedsConfirmation(last));
        }
        NextInterview::Another { .. } | NextInterview::Start => None,
    };
    let mut spent = chrono::Duration::zero();
    let (id, mut flow, started_at) = match resume {
        Some(id) => {
            let saved = store.load_interview(id).map_err(say)?;
            let answers = saved.answers.into_iter().filter_map(|(qid, instance, a)| {
                q.question_index(&qid)
                    .map(|question| (Slot { question, instance }, a))
            });
            let added = saved
                .added_instances
                .into_iter()
                .filter_map(|(sid, n)| q.section_index(&sid).map(|s| (s, n)));
            let position = saved.position.and_then(|p| p.to_step(q));
            spent = chrono::Duration::seconds(doorstep_core::interview::paradata::work_seconds(
                saved.record.started_at,
                None,
                &saved.events,
            ));
            let mut flow = Interview::restore(q, fields, answers, added, position);
            flow.mark_resumed();
            tracing::info!(interview_id = %id, resident_id = %resident.resident_id, "interview resumed");
            (id, flow, saved.record.started_at)
        }
        None => {
            let now = Utc::now();
            let id = store
                .start_interview(&resident.resident_id, &q.id, &q.version, surveyor_id, now)
                .map_err(say)?;
            tracing::info!(
                interview_id = %id,
                resident_id = %resident.resident_id,
                questionnaire = %q.id,
                version = %q.version,
                "interview started"
            );
            (id, Interview::new(q, fields), now)
        }
    };
    // Start in the surveyor's language when the questionnaire has it.
    flow.set_language(ui.code());
    let mut screen =
        InterviewScreen::new(flow, id, resident.resident_id.clone(), label, started_at);
    // The clock goes on from the time already spent.
    screen.carry_elapsed(spent.to_std().unwrap_or_default());
    // Notes saved earlier come back when the note is opened again.
    screen.notes = store
        .notes(id)
        .map_err(say)?
        .into_iter()
        .filter_map(|(qid, instance, note)| {
            q.question_index(&qid)
                .map(|question| (Slot { question, instance }, note))
        })
        .collect();
    StoreSink::new(store, id, ui).flush(&mut screen.flow)?;
    Ok(screen)
}

/// Removes the interview on screen if nothing was given in it (no answer,
/// no note): an interview opened by mistake leaves no trace. `Ok(false)`
/// when it holds something and stays.
pub fn discard_if_empty(store: &Store, screen: &InterviewScreen, ui: Lang) -> Result<bool, String> {
    let id = screen.interview_id;
    if !store.interview_is_empty(id).map_err(|e| say_in(e, ui))? {
        return Ok(false);
    }
    // A resumed partial or a copy the supervisor sent back is kept.
    if store.discard_interview(id).is_err() {
        return Ok(false);
    }
    tracing::info!(interview_id = %id, resident_id = %screen.resident_id, "empty interview discarded");
    Ok(true)
}

/// Finishes an interview (complete, or ended early) and records the visit.
pub fn finish_interview(
    store: &Store,
    screen: &mut InterviewScreen,
    disposition: Disposition,
    ui: Lang,
) -> Result<(), String> {
    let status = if disposition == Disposition::Complete {
        InterviewStatus::Completed
    } else {
        InterviewStatus::Abandoned
    };
    // The paradata and position not yet saved go in the finish's transaction.
    let events = screen.flow.take_events();
    let (position, added) = position_of(&screen.flow);
    let calculates = doorstep_batch::recorded_calculates(&screen.flow);
    let progress = Progress {
        events: &events,
        position: position.as_ref(),
        added_instances: &added,
        calculates: Some(&calculates),
    };
    let visit = store
        .finish_interview_step(
            screen.interview_id,
            status,
            disposition,
            Utc::now(),
            progress,
        )
        .inspect_err(
            |e| tracing::error!(interview_id = %screen.interview_id, "interview not finished: {e}"),
        );
    let visit = match visit {
        Ok(v) => v,
        Err(e) => {
            screen.flow.put_back_events(events);
            return Err(say_in(e, ui));
        }
    };
    tracing::info!(
        interview_id = %screen.interview_id,
        status = status.code(),
        disposition = disposition.code(),
        visit_id = visit.id,
        "interview finished"
    );
    Ok(())
}

/// Where the flow stands, by ids, and the repeat instances added.
fn position_of(flow: &Interview<'_>) -> (Option<SavedPosition>, Vec<(String, u32)>) {
    let q = flow.questionnaire();
    let position = flow.current().and_then(|s| SavedPosition::from_step(q, s));
    let added = flow
        .added_instances()
        .map(|(s, n)| (q.sections[s].id.clone(), n))
        .collect();
    (position, added)
}

/// Writes answers through the store: each confirmed answer with its
/// paradata and position in one transaction.
pub struct StoreSink<'a> {
    store: &'a Store,
    interview_id: Uuid,
    ui: Lang,
}

impl<'a> StoreSink<'a> {
    pub fn new(store: &'a Store, interview_id: Uuid, ui: Lang) -> Self {
        StoreSink {
            store,
            interview_id,
            ui,
        }
    }

    /// Saves the paradata, position and repeat instances.
    pub fn flush(&mut self, flow: &mut Interview<'_>) -> Result<(), String> {
        self.save_progress(flow)
    }

    /// What failed to save, for the log: ids and the error, never the content.
    fn log_failure(&self, what: &str, question: &str, e: &StoreError) {
        tracing::error!(
            interview_id = %self.interview_id,
            question,
            "{what} not saved: {e}"
        );
    }
}

impl AnswerSink for StoreSink<'_> {
    fn save_answer_step(
        &mut self,
        flow: &mut Interview<'_>,
        slot: Slot,
        answer: Option<&Answer>,
    ) -> Result<(), String> {
        let qid = &flow.questionnaire().questions[slot.question].id;
        let events = flow.take_events();
        let (position, added) = position_of(flow);
        let calculates = doorstep_batch::recorded_calculates(flow);
        let progress = Progress {
            events: &events,
            position: position.as_ref(),
            added_instances: &added,
            calculates: Some(&calculates),
        };
        let saved = self.store.save_answer_step(
            self.interview_id,
            qid,
            slot.instance,
            answer,
            Utc::now(),
            progress,
        );
        if let Err(e) = saved {
            // Keep them for the next try rather than lose them.
            flow.put_back_events(events);
            let what = if answer.is_some() {
                "answer"
            } else {
                "cleared answer"
            };
            self.log_failure(what, qid, &e);
            return Err(say_in(e, self.ui));
        }
        Ok(())
    }

    fn save_progress(&mut self, flow: &mut Interview<'_>) -> Result<(), String> {
        let events = flow.take_events();
        let (position, added) = position_of(flow);
        let calculates = doorstep_batch::recorded_calculates(flow);
        let progress = Progress {
            events: &events,
            position: position.as_ref(),
            added_instances: &added,
            calculates: Some(&calculates),
        };
        if let Err(e) = self.store.save_progress(self.interview_id, progress) {
            // Keep them for the next try rather than lose them.
            flow.put_back_events(events);
            self.log_failure("progress", "", &e);
            return Err(say_in(e, self.ui));
        }
        Ok(())
    }

    fn save_note(&mut self, flow: &Interview<'_>, slot: Slot, note: &str) -> Result<(), String> {
        let qid = &flow.questionnaire().questions[slot.question].id;
        self.store
            .save_note(self.interview_id, qid, slot.instance, note, Utc::now())
            .inspect_err(|e| self.log_failure("note", qid, e))
            .map_err(|e| say_in(e, self.ui))
    }
}

/// Quota progress: completed interviews per answer of each quota question.
pub fn quotas(store: &Store, q: &Questionnaire, ui: Lang) -> Result<Vec<QuotaLine>, String> {
    let mut out = Vec::new();
    for quota in &q.quotas {
        let Some(question) = q.question(&quota.question) else {
            continue;
        };
        let answers = store.completed_answers(&quota.question).map_err(say)?;
        let lang = if q.languages.iter().any(|l| l == ui.code()) {
            ui.code()
        } else {
            &q.default_language
        };
        let cells = quota
            .targets
            .iter()
            .map(|(value, target)| {
                let done = answers
                    .iter()
                    .filter(|a| matches!(a, Answer::Value(AnswerValue::Choice { value: v, .. }) if v == value))
                    .count() as u32;
                let label = question
                    .kind
                    .choice_spec()
                    .and_then(|c| c.choices.iter().find(|c| &c.value == value))
                    .map_or(value.clone(), |c| c.label.get(lang).to_string());
                (label, done, *target)
            })
            .collect();
        out.push(QuotaLine {
            question_label: super::screens::check::truncate(question.label.get(lang), 16),
            cells,
        });
    }
    // A stratified list's progress per stratum, as one more line.
    out.extend(crate::strata::strata_line(
        &store.stratum_progress().map_err(say)?,
        ui,
    ));
    Ok(out)
}

/// Today (local time) at a glance: the counts are `doorstep status`'s
/// (`Store::status`), the part of them done today from `Store::day_counts`.
pub fn summary(store: &Store) -> Result<SummaryData, String> {
    summary_in(store, Lang::En)
}

/// [`summary`], its errors in the interface language.
pub fn summary_in(store: &Store, ui: Lang) -> Result<SummaryData, String> {
    let day = store
        .day_counts(local_midnight_utc(Local::now()))
        .map_err(|e| say_in(e, ui))?;
    let status = store.status().map_err(|e| say_in(e, ui))?;
    let visits_today = Disposition::ALL
        .iter()
        .filter_map(|d| day.visits.get(d).map(|n| (*d, *n)))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(SummaryData {
        visits_today,
        completed_today: day.completed,
        status,
        last_export: None,
    })
}

/// When the local day of `now` started, in UTC.
pub fn local_midnight_utc(now: DateTime<Local>) -> DateTime<Utc> {
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(Local).earliest())
        .map_or(now.with_timezone(&Utc), |t| t.with_timezone(&Utc))
}

/// Whether the signing key can be used as it is, needs its password, or
/// does not exist yet (the app then offers to create it).
pub enum KeyState {
    Ready(Box<doorstep_batch::SigningKey>),
    NeedsPassword,
    Missing,
}

fn data_dir_of(store: &Store) -> &std::path::Path {
    store.path().parent().unwrap_or(std::path::Path::new("."))
}

/// A key or batch error in the interface language, whole (the English
/// text of the error is for the CLI and the log).
pub fn say_batch_error(e: &doorstep_batch::BatchError, ui: Lang) -> String {
    use doorstep_batch::BatchError as E;
    if ui != Lang::Zh {
        return e.to_string();
    }
    match e {
        E::Password { what, .. } if what.contains("wrong password") => {
            "密码不对，请重新输入".into()
        }
        E::Password { path, .. } => format!("无法读取密钥 {} 的密码", path.display()),
        E::KeyPermissions { path, mode } => format!(
            "密钥文件 {} 其他人也能读取（权限 {mode:04o}），拒绝使用。请运行：chmod 600 {}",
            path.display(),
            path.display()
        ),
        E::BadKeyFile { path, .. } => {
            format!("密钥文件 {} 已损坏或不是 doorstep 的私钥", path.display())
        }
        E::KeyExists { path } => format!("密钥 {} 已存在，不会覆盖", path.display()),
        E::InvalidId { id, .. } => format!("编号“{id}”不能用：只能用字母、数字、-、_ 和 ."),
        E::Io { path, error } => format!(
            "无法读写 {}（{}）",
            path.display(),
            doorstep_core::fs::os_message(error)
        ),
        E::Read(e) => format!("无法读取 {}（{}）", e.path().display(), e.reason()),
        E::NoTrustedKeys { dir } => format!("{} 中没有受信任的公钥", dir.display()),
        E::Recipient { recipient, .. } => format!("加密接收方“{recipient}”无效"),
        E::InvalidContent(d) => format!("无法写入批次：{d}"),
        E::Crypto(d) => format!("加密出错：{d}"),
    }
}

/// An export error in the interface language.
fn say_export_error(e: doorstep_store::export::ExportError, ui: Lang) -> String {
    match e {
        doorstep_store::export::ExportError::Store(e) => {
            format!("{} {}", ui.s().export_failed, say_in(e, ui))
        }
        doorstep_store::export::ExportError::Batch(e) => say_batch_error(&e, ui),
        doorstep_store::export::ExportError::Other(d) => {
            let failed = ui.s().export_failed;
            msg!(ui, SvExportFailedBecause, failed = failed, why = d)
        }
    }
}

/// Loads the surveyor's signing key from the data directory; `password`
/// is used only if the key has one. Errors are in the interface language.
pub fn signing_key(
    store: &Store,
    surveyor_id: &str,
    password: Option<&str>,
    ui: Lang,
) -> Result<KeyState, String> {
    let (secret, _) = doorstep_batch::key_paths(data_dir_of(store), surveyor_id);
    if !secret.exists() {
        return Ok(KeyState::Missing);
    }
    let asked = std::cell::Cell::new(false);
    let loaded = doorstep_batch::SigningKey::load(&secret, |_| {
        asked.set(true);
        password
            .map(str::to_string)
            .ok_or_else(|| std::io::Error::other("password needed"))
    });
    match loaded {
        Ok(k) => Ok(KeyState::Ready(Box::new(k))),
        Err(_) if asked.get() && password.is_none() => Ok(KeyState::NeedsPassword),
        Err(e) => {
            tracing::warn!(surveyor_id, "signing key not unlocked: {e}");
            Err(say_batch_error(&e, ui))
        }
    }
}

/// Creates the surveyor's signing key as `doorstep keygen` does (same
/// files, same rules: a password, typed twice), and returns it unlocked.
pub fn create_signing_key(
    store: &Store,
    surveyor_id: &str,
    password: &str,
    again: &str,
    ui: Lang,
) -> Result<doorstep_batch::SigningKey, String> {
    if password.is_empty() {
        return Err(msg!(ui, SvPasswordEmpty).into());
    }
    if password != again {
        return Err(msg!(ui, SvPasswordsDiffer).into());
    }
    let key = doorstep_batch::keygen(data_dir_of(store), surveyor_id, Some(password), false)
        .inspect_err(|e| tracing::error!(surveyor_id, "signing key not created: {e}"))
        .map_err(|e| say_batch_error(&e, ui))?;
    tracing::info!(
        surveyor_id,
        public_key = %key.public_key_path.display(),
        password = true,
        "signing key created"
    );
    match signing_key(store, surveyor_id, Some(password), ui)? {
        KeyState::Ready(k) => Ok(*k),
        _ => Err(msg!(ui, SvNewKeyUnreadable).into()),
    }
}

/// Exports into DATA_DIR/outbox, encrypted to the office's recipient when
/// the config at `config` names one; returns what to tell the surveyor
/// (which says when the batch is not encrypted).
pub fn export_now(
    store: &Store,
    key: &doorstep_batch::SigningKey,
    config: Option<&Path>,
    ui: Lang,
) -> Result<String, String> {
    let out = data_dir_of(store).join("outbox");
    let recipients = match config {
        Some(path) => doorstep_store::config::Config::load(path)
            .and_then(|c| c.office_recipients(path))
            .map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    let exported = doorstep_store::export::export(store, key, &out, &recipients)
        .inspect_err(|e| tracing::error!("export failed: {e}"))
        .map_err(|e| say_export_error(e, ui))?;
    match exported {
        doorstep_store::export::Exported::Nothing => {
            tracing::info!("nothing new to export");
            Ok(ui.s().nothing_to_export.to_string())
        }
        doorstep_store::export::Exported::Batch { row, written } => {
            tracing::info!(
                batch_id = %row.id,
                sequence = row.sequence,
                visits = written.counts.visits,
                interviews = written.counts.interviews,
                answers = written.counts.answers,
                path = %written.data_path.display(),
                "batch exported"
            );
            let done = ui.exported_batch(
                row.sequence,
                written.counts.interviews,
                written.counts.visits,
                &written.data_path.display().to_string(),
            );
            Ok(if recipients.is_empty() {
                format!("{done}\n{}", msg!(ui, SvNotEncrypted))
            } else {
                done
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn every_store_error_reads_in_chinese_and_keeps_its_details() {
        let id = Uuid::nil();
        let errors = [
            StoreError::DiskFull,
            StoreError::ReadOnly,
            StoreError::Locked,
            StoreError::CannotOpen("unable to open database file".into()),
            StoreError::Corrupt("file is not a database".into()),
            StoreError::SchemaTooNew {
                found: 9,
                supported: 4,
            },
            StoreError::QuestionnaireChanged {
                id: "rsa".into(),
                version: "2026Q4".into(),
            },
            StoreError::NotFound("resident R-1".into()),
            StoreError::InterviewInProgress {
                resident_id: "R-1".into(),
                interview_id: id,
            },
            StoreError::InterviewFinished(id),
            StoreError::OtherSurveyor {
                signer: "S1".into(),
                others: vec!["R-1".into()],
            },
            StoreError::Other("constraint failed".into()),
            StoreError::WrongPassword("R-1/doorstep.sqlite3".into()),
            StoreError::PasswordNeeded("R-1/doorstep.sqlite3".into()),
            StoreError::NotEncrypted("R-1/doorstep.sqlite3".into()),
        ];
        for e in errors {
            let en = e.to_string();
            let zh = say_in(e, Lang::Zh);
            assert_ne!(zh, en);
            // Chinese wording, not an English sentence with a Chinese prefix.
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            for detail in [
                "unable to open database file",
                "R-1",
                "2026Q4",
                "constraint failed",
            ] {
                if en.contains(detail) {
                    assert!(zh.contains(detail), "{zh} lost {detail}");
                }
            }
        }
        assert!(say_in(StoreError::Locked, Lang::En).starts_with("another doorstep"));
    }
}
