//! The annual report and the year's reminders through the API: the report's numbers are the
//! sum of the households' (read from each household's own page), a county's the sum of its
//! streets'; the province office sees every county and changes nothing; the county and the
//! street office are reminded before each date, once, with the households at risk.

use super::retrofit::this_year;
use super::retrofit_settlement::{accepted, signed_in};
use super::retrofit_works::{built, field, notes};
use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::retrofit::RetrofitState;
use anju_domain::retrofit_report::{HouseholdNumbers, ReportRow};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    the_annual_report_adds_up_to_the_households_it_counts,
    the_county_and_its_streets_are_reminded_before_each_date_once,
);

fn all_passed() -> Value {
    let items: Vec<Value> = (1..=4)
        .map(|line| json!({ "line": line, "verdict": "passed" }))
        .collect();
    json!({ "items": items })
}

/// What a household's own page says, as the report should count it.
async fn numbers(app: &TestApp, county: &str, id: &Value) -> HouseholdNumbers {
    let v = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(county))
        .await
        .body;
    let claims = v["warranty"]["claims"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let answered: Vec<&Value> = claims
        .iter()
        .filter(|c| !c["answered_at"].is_null())
        .collect();
    HouseholdNumbers {
        state: RetrofitState::parse(v["state"].as_str().unwrap()),
        paid_fen: v["settlement"]["paid_fen"].as_i64().unwrap_or(0),
        claims: claims.len() as i64,
        claims_answered: answered.len() as i64,
        claims_in_time: answered
            .iter()
            .filter(|c| c["answered_at"].as_i64() <= c["due_at"].as_i64())
            .count() as i64,
        answer_secs: answered
            .iter()
            .map(|c| c["answered_at"].as_i64().unwrap() - c["filed_at"].as_i64().unwrap())
            .sum(),
    }
}

fn row(v: &Value) -> ReportRow {
    serde_json::from_value(v.clone()).expect("a report row")
}

async fn the_annual_report_adds_up_to_the_households_it_counts(app: TestApp) {
    // A settled and paid household with an answered claim, an accepted one with an open
    // claim, and one still being built.
    let (elder, paid, _) = accepted(
        &app,
        ["13900001301", "13900001302", "13900001303"],
        "庚施工队",
        all_passed(),
    )
    .await;
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let settled = app
        .post(
            &format!("/api/retrofit/applications/{paid}/settlement"),
            Some(&county),
            json!({ "lines": [1, 2, 3] }),
        )
        .await;
    assert_eq!(settled.status, StatusCode::OK, "{}", settled.body);
    let due = settled.body["settlement"]["due_fen"].as_i64().unwrap();
    let today = chrono::DateTime::from_timestamp(app.state.clock.now(), 0)
        .unwrap()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m-%d")
        .to_string();
    let r = app
        .post(
            &format!("/api/retrofit/applications/{paid}/payments"),
            Some(&county),
            json!({ "paid_on": today, "voucher_no": "记-100", "amount": format!("{}.{:02}", due / 100, due % 100) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post(
            &format!("/api/retrofit/applications/{paid}/warranty-claims"),
            Some(&elder),
            json!({ "description": "扶手松了" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let claim = r.body["warranty"]["claims"][0]["id"].as_i64().unwrap();
    app.state.clock.advance(3600);
    // An hour on, the builder signs in again (staff sessions time out when idle).
    let builder = signed_in(&app, "13900001303", "staff passphrase").await;
    let r = app
        .post(
            &format!("/api/retrofit/warranty-claims/{claim}/answer"),
            Some(&builder),
            json!({ "answer": "已修好" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let (elder2, open, _) = accepted(
        &app,
        ["13900001311", "13900001312", "13900001313"],
        "辛施工队",
        all_passed(),
    )
    .await;
    let r = app
        .post(
            &format!("/api/retrofit/applications/{open}/warranty-claims"),
            Some(&elder2),
            json!({ "description": "门铃不响" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (_, building, _) = built(
        &app,
        ["13900001321", "13900001322", "13900001323"],
        "壬施工队",
    )
    .await;

    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let mut expected = ReportRow::empty();
    for id in [&paid, &open, &building] {
        expected.add_household(&numbers(&app, &county, id).await);
    }
    let report = app.get("/api/retrofit/report", Some(&county)).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(report.body["year"], this_year());
    let counties = report.body["counties"].as_array().unwrap();
    assert_eq!(counties.len(), 1, "a county admin sees their county");
    let ours = &counties[0];
    assert_eq!(ours["county_id"], app.places.county.id);
    assert_eq!(
        row(&ours["row"]),
        expected,
        "the households' numbers, summed"
    );
    assert_eq!(expected.households, 3);
    assert_eq!(expected.accepted, 2);
    assert_eq!(expected.settled, 1);
    assert_eq!(expected.subsidy_paid_fen, due);
    assert_eq!(expected.average_paid_fen(), Some(due));
    assert_eq!((expected.claims, expected.claims_answered), (2, 1));
    assert_eq!(expected.average_answer_tenth_hours(), Some(10), "an hour");
    let mut streets = ReportRow::empty();
    for s in ours["streets"].as_array().unwrap() {
        streets.add(&row(&s["row"]));
    }
    assert_eq!(streets, expected, "a county is the sum of its streets");
    assert_eq!(row(&report.body["total"]), expected);
    assert_eq!(ours["dates"]["accept_by"], format!("{}-10-31", this_year()));

    // The province office reads every county of the province, the same numbers, and nothing
    // else; a street office reads no report.
    let province = app.sign_in_demo(Role::ProvinceOfficer).await;
    let theirs = app.get("/api/retrofit/report", Some(&province)).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert_eq!(theirs.body["counties"], report.body["counties"]);
    assert_envelope(
        &app.get("/api/retrofit/county-list", Some(&province)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_envelope(
        &app.post(
            &format!("/api/retrofit/applications/{paid}/settlement"),
            Some(&province),
            json!({ "lines": [1] }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    assert_envelope(
        &app.get("/api/retrofit/report", Some(&street)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let xlsx = app
        .get("/api/retrofit/report?format=xlsx", Some(&province))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(
        xlsx.body.as_str().is_some_and(|s| s.starts_with("PK")),
        "a zip (xlsx) file"
    );
    field(
        &app.get("/api/retrofit/report?year=1850", Some(&county))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "year",
    );
}

async fn the_county_and_its_streets_are_reminded_before_each_date_once(app: TestApp) {
    use anju_server::deadlines::year_reminders as remind_year;
    // The county moves all four dates to today (whatever today is, so the test does not depend
    // on the calendar): each is then in its last week, and its week reminder is due.
    let (_, building, _) = built(
        &app,
        ["13900001331", "13900001332", "13900001333"],
        "癸施工队",
    )
    .await;
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let settings = format!("/api/retrofit/counties/{}/settings", app.places.county.id);
    let mut current = app.get(&settings, Some(&county)).await.body;
    let today = chrono::DateTime::from_timestamp(app.state.clock.now(), 0)
        .unwrap()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m-%d")
        .to_string();
    current["dates"]["accept_by"] = json!("2026-13-01");
    let bad = app.put(&settings, Some(&county), current.clone()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    current["dates"] = json!({
        "mobilise_by": today, "accept_by": today, "summary_by": today, "report_by": today,
    });
    current["year"] = json!(this_year() - 1);
    field(
        &app.put(&settings, Some(&county), current.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "accept_by",
    );
    current["year"] = json!(this_year());
    let r = app.put(&settings, Some(&county), current).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["dates"]["accept_by"], today);
    // A client that does not send the dates leaves them as they are.
    let r = app
        .put(
            &settings,
            Some(&county),
            json!({ "year": this_year(), "quota": 10, "minimum_living_allowance_covered": false }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["dates"]["accept_by"], today);

    assert_eq!(remind_year(&app.state).await.unwrap(), 4, "one per date");
    assert_eq!(remind_year(&app.state).await.unwrap(), 0, "each once");
    let reference = app
        .get(
            &format!("/api/retrofit/applications/{building}"),
            Some(&county),
        )
        .await
        .body["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let told = notes(&app, &county).await;
    assert!(told.contains("竣工验收截止日期"), "{told}");
    assert!(told.contains("1 户未验收"), "{told}");
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let told = notes(&app, &street).await;
    assert!(told.contains(&reference), "the street hears which: {told}");
    assert_eq!(
        told.matches("动员部署截止日期").count(),
        0,
        "nothing behind for mobilisation on this street"
    );
}
