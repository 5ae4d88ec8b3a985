//! Rectification work orders: each complaint in a counted interview becomes
//! an order routed to a department of the resident's street, worked
//! through states with every change kept (who, when, note), a deadline per
//! category, and an export for the department with no more personal data
//! than it needs (the call-back number only where the resident agreed).
//!
//! Which questions carry the complaint is set in `office.toml` `[orders]`
//! (defaults: the bundled questionnaire's `has_complaint`,
//! `complaint_category`, `complaint_location`, `complaint_detail`,
//! `recontact_consent`, `callback_phone`).

use std::path::Path;

use crate::db::Backend;
use crate::params;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::settings::{Counting, OrderSettings};
use crate::{Db, OfficeError};

/// The states of an order.
pub const STATUSES: [&str; 9] = [
    "new",
    "substantiated",
    "not_substantiated",
    "in_rectification",
    "rectified",
    "satisfied",
    "not_satisfied",
    "closed",
    "reopened",
];

/// The states an order may move to from `from`.
pub fn next_statuses(from: &str) -> &'static [&'static str] {
    match from {
        "new" => &["substantiated", "not_substantiated"],
        "substantiated" => &["in_rectification"],
        "not_substantiated" => &["closed", "reopened"],
        "in_rectification" => &["rectified"],
        "rectified" => &["satisfied", "not_satisfied"],
        "satisfied" => &["closed"],
        "not_satisfied" => &["reopened", "closed"],
        "closed" => &["reopened"],
        "reopened" => &["in_rectification", "substantiated", "not_substantiated"],
        _ => &[],
    }
}

/// States in which the department's work is done (no longer overdue).
const DONE: [&str; 5] = [
    "not_substantiated",
    "rectified",
    "satisfied",
    "not_satisfied",
    "closed",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    pub order_id: i64,
    pub interview_id: String,
    pub community: Option<String>,
    pub street: Option<String>,
    pub category: String,
    pub department: String,
    pub location: Option<String>,
    pub text: Option<String>,
    pub callback_phone: Option<String>,
    pub created_at: String,
    pub deadline: String,
    pub status: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub at: String,
    pub who: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
}

fn answer<'a>(answers: &'a Value, id: &str) -> Option<&'a Value> {
    answers.get(id)?.get("value")
}

fn text_of(answers: &Value, id: &str) -> Option<String> {
    answer(answers, id)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn yes(answers: &Value, id: &str) -> bool {
    answer(answers, id).and_then(Value::as_bool) == Some(true)
}

/// Creates an order for every complaint in a counted interview that has
/// none yet; returns how many were created.
pub fn sync(
    db: &mut Db,
    settings: &OrderSettings,
    counting: Counting,
    now: DateTime<Utc>,
) -> Result<u64, OfficeError> {
    let q = &settings.questions;
    let tx = db.transaction()?;
    let candidates: Vec<(String, Option<String>, String, Option<String>)> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT i.interview_id, i.community, i.answers,
                    (SELECT p.street FROM resident_periods p WHERE p.resident_id = i.resident_id
                     ORDER BY p.valid_from DESC LIMIT 1)
             FROM interviews i
             LEFT JOIN latest_decisions d ON d.interview_id = i.interview_id
             LEFT JOIN supersessions s ON s.interview_id = i.interview_id
             WHERE {} AND {}
               AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.interview_id = i.interview_id)
             ORDER BY i.started_at, i.interview_id",
            crate::status::counted_condition(counting),
            match tx.backend() {
                Backend::Sqlite => "json_extract(i.answers, ?1) = 1",
                // 1, 1.0 and true, as json_extract's 1 on SQLite.
                Backend::Postgres =>
                    "(i.answers::jsonb -> CAST(?1 AS TEXT) -> 'value') IN ('1'::jsonb, 'true'::jsonb)",
            }
        ))?;
        let key = match tx.backend() {
            Backend::Sqlite => format!("$.\"{}\".value", q.trigger),
            Backend::Postgres => q.trigger.clone(),
        };
        let rows = stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut created = 0;
    for (interview_id, community, answers, street) in candidates {
        let answers: Value = serde_json::from_str(&answers).unwrap_or(Value::Null);
        let category = text_of(&answers, &q.category).unwrap_or_else(|| "other".into());
        let (department, days) = settings.route(street.as_deref(), &category);
        let phone = yes(&answers, &q.consent)
            .then(|| text_of(&answers, &q.phone))
            .flatten();
        let created_at = crate::time_text(now);
        let deadline = crate::time_text(now + Duration::days(days as i64));
        let id: i64 = tx.query_row(
            "INSERT INTO orders (interview_id, community, street, category, department, location,
                                 text, callback_phone, created_at, deadline, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'new') RETURNING order_id",
            params![
                interview_id,
                community,
                street,
                category,
                department,
                text_of(&answers, &q.location),
                text_of(&answers, &q.text),
                phone,
                created_at,
                deadline
            ],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO order_history (order_id, at, who, from_status, to_status, note)
             VALUES (?1, ?2, 'office', NULL, 'new', ?3)",
            params![id, created_at, format!("from interview {interview_id}")],
        )?;
        created += 1;
    }
    tx.commit()?;
    Ok(created)
}

/// Which orders to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub department: Option<String>,
    pub status: Option<String>,
    pub overdue: bool,
}

pub fn list(db: &Db, filter: &Filter, now: DateTime<Utc>) -> Result<Vec<Order>, OfficeError> {
    if let Some(s) = &filter.status
        && !STATUSES.contains(&s.as_str())
    {
        return Err(OfficeError::Invalid(format!(
            "unknown status '{s}' (one of: {})",
            STATUSES.join(", ")
        )));
    }
    let now_text = crate::time_text(now);
    let mut stmt = db.prepare(
        "SELECT order_id, interview_id, community, street, category, department, location, text,
                callback_phone, created_at, deadline, status
         FROM orders
         WHERE (CAST(?1 AS TEXT) IS NULL OR department = ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR status = ?2)
         ORDER BY deadline, order_id",
    )?;
    let rows = stmt.query_map(params![filter.department, filter.status], |r| {
        let deadline: String = r.get(10)?;
        let status: String = r.get(11)?;
        Ok(Order {
            order_id: r.get(0)?,
            interview_id: r.get(1)?,
            community: r.get(2)?,
            street: r.get(3)?,
            category: r.get(4)?,
            department: r.get(5)?,
            location: r.get(6)?,
            text: r.get(7)?,
            callback_phone: r.get(8)?,
            created_at: r.get(9)?,
            overdue: deadline < now_text && !DONE.contains(&status.as_str()),
            deadline,
            status,
        })
    })?;
    let all: Vec<Order> = rows.collect::<Result<_, _>>()?;
    Ok(all
        .into_iter()
        .filter(|o| !filter.overdue || o.overdue)
        .collect())
}

pub fn history(db: &Db, order_id: i64) -> Result<Vec<HistoryEntry>, OfficeError> {
    // In the order of writing: SQLite's rowid, PostgreSQL's entry_id.
    let mut stmt = db.prepare(&format!(
        "SELECT at, who, from_status, to_status, note FROM order_history WHERE order_id = ?1
         ORDER BY {}",
        match db.backend() {
            Backend::Sqlite => "rowid",
            Backend::Postgres => "entry_id",
        }
    ))?;
    let rows = stmt.query_map([order_id], |r| {
        Ok(HistoryEntry {
            at: r.get(0)?,
            who: r.get(1)?,
            from_status: r.get(2)?,
            to_status: r.get(3)?,
            note: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// Moves order `id` to `to`, recording who, when and the note.
pub fn update(
    db: &mut Db,
    id: i64,
    to: &str,
    who: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), OfficeError> {
    let tx = db.transaction()?;
    let from: Option<String> =
        tx.query_opt("SELECT status FROM orders WHERE order_id = ?1", [id], |r| {
            r.get(0)
        })?;
    let Some(from) = from else {
        return Err(OfficeError::Invalid(format!("no work order {id}")));
    };
    let allowed = next_statuses(&from);
    if !allowed.contains(&to) {
        return Err(OfficeError::Invalid(format!(
            "work order {id} is {from}: it can move to {} (not {to})",
            if allowed.is_empty() {
                "nothing".to_string()
            } else {
                allowed.join(", ")
            }
        )));
    }
    tx.execute(
        "UPDATE orders SET status = ?1 WHERE order_id = ?2",
        params![to, id],
    )?;
    tx.execute(
        "INSERT INTO order_history (order_id, at, who, from_status, to_status, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, crate::time_text(now), who, from, to, note],
    )?;
    tx.commit()?;
    Ok(())
}

/// Writes the department's orders to an XLSX workbook: what it needs to
/// act, no resident name, address or id.
pub fn export_xlsx(orders: &[Order], path: &Path) -> Result<(), OfficeError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| {
        OfficeError::Invalid(format!(
            "{}: cannot write the workbook: {e}",
            path.display()
        ))
    };
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("整改工单").map_err(err)?;
    let bold = Format::new().set_bold();
    let header = [
        "工单号 Order",
        "状态 Status",
        "期限 Deadline",
        "逾期 Overdue",
        "类别 Category",
        "街道 Street",
        "社区 Community",
        "位置 Location",
        "问题 Problem",
        "回访电话 Call-back",
        "生成 Created",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, o) in orders.iter().enumerate() {
        let r = i as u32 + 1;
        let cells = [
            o.order_id.to_string(),
            o.status.clone(),
            o.deadline.clone(),
            if o.overdue { "是 yes" } else { "" }.to_string(),
            o.category.clone(),
            o.street.clone().unwrap_or_default(),
            o.community.clone().unwrap_or_default(),
            o.location.clone().unwrap_or_default(),
            o.text.clone().unwrap_or_default(),
            o.callback_phone.clone().unwrap_or_default(),
            o.created_at.clone(),
        ];
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(r, c as u16, v).map_err(err)?;
        }
    }
    sheet.autofit();
    wb.save(path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: i64, phone: Option<&str>) -> Order {
        Order {
            order_id: id,
            interview_id: format!("I{id}"),
            community: Some("翠竹".into()),
            street: Some("玄武街道".into()),
            category: "environment".into(),
            department: "城管科".into(),
            location: Some("3幢2单元楼道".into()),
            text: Some("楼道堆放杂物很久了".into()),
            callback_phone: phone.map(str::to_string),
            created_at: "2026-11-03T10:00:00.000Z".into(),
            deadline: "2026-11-10T10:00:00.000Z".into(),
            status: "new".into(),
            overdue: false,
        }
    }

    #[test]
    fn the_export_holds_what_a_department_needs_and_no_more() {
        use calamine::{Reader, Xlsx, open_workbook};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.xlsx");
        export_xlsx(&[order(1, Some("13912345678")), order(2, None)], &path).unwrap();
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let range = wb.worksheet_range("整改工单").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][0], "工单号 Order");
        assert_eq!(rows[0][9], "回访电话 Call-back");
        assert_eq!(rows[1][9], "13912345678");
        assert_eq!(rows[2][9], "");
        assert_eq!(rows[1][8], "楼道堆放杂物很久了");
        // No resident id, interview id, name or address column.
        assert!(
            !rows
                .iter()
                .flatten()
                .any(|c| c.starts_with('I') && c.len() < 4)
        );
    }

    #[test]
    fn the_state_machine() {
        assert_eq!(next_statuses("new"), ["substantiated", "not_substantiated"]);
        assert!(next_statuses("closed").contains(&"reopened"));
        for s in STATUSES {
            for n in next_statuses(s) {
                assert!(STATUSES.contains(n), "{s} → {n}");
            }
        }
    }
}
