//! Satisfaction surveys through the API on both backends: publish, answer, update,
//! one response per household, door-to-door with review states, idempotent sync, closed
//! surveys, jurisdiction isolation, results and exports.

use crate::support::{assert_envelope, on_both_backends, Response, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    staff_publish_a_template_and_residents_answer_once_per_household,
    door_to_door_sync_is_idempotent_and_a_second_collector_is_flagged,
    editing_a_published_survey_makes_a_new_version,
    results_give_rates_and_the_verdict_at_the_target,
    bad_answers_and_closed_surveys_are_refused_and_nothing_is_saved,
    outsiders_see_no_survey_or_response,
);

fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m-%d")
        .to_string()
}

fn month() -> String {
    today()[..7].to_owned()
}

async fn publish_template(app: &TestApp, staff: &str) -> Value {
    publish_template_with(app, staff, json!({})).await
}

/// The template published with `extra` fields in the request (e.g. the minimum sample).
async fn publish_template_with(app: &TestApp, staff: &str, extra: Value) -> Value {
    let template = app.get("/api/surveys/template", Some(staff)).await.body;
    let mut request = json!({ "definition": template, "community_ids": [app.places.community.id],
                    "opens_on": "2020-01-01", "closes_on": "2099-12-31" });
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    let created = app.post("/api/surveys", Some(staff), request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["status"], "draft");
    assert_eq!(created.body["target_percent"], 90, "default target");
    if extra.get("min_sample").is_none() {
        assert_eq!(created.body["min_sample"], 30, "default minimum sample");
    }
    let published = publish(app, staff, &created.body["id"]).await;
    assert_eq!(published["status"], "open");
    published
}

/// Publish the survey's draft; returns the survey as staff now see it.
pub async fn publish(app: &TestApp, staff: &str, id: &Value) -> Value {
    let r = app
        .post(
            &format!("/api/surveys/{id}/publish"),
            Some(staff),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

pub fn answers(overall: &str) -> Value {
    json!({ "cleanliness": 4, "security": 5, "repairs": 3, "green": 4, "attitude": 5, "overall": overall })
}

async fn answer(app: &TestApp, cookie: &str, survey: &Value, key: &str, a: Value) -> Response {
    app.put(
        &format!("/api/surveys/{}/my-response", survey["id"]),
        Some(cookie),
        json!({ "client_key": key, "version": survey["version"], "answers": a }),
    )
    .await
}

pub async fn collect(
    app: &TestApp,
    cookie: &str,
    survey: &Value,
    key: &str,
    room: &str,
    a: Value,
) -> Response {
    app.post(
        &format!("/api/surveys/{}/responses", survey["id"]),
        Some(cookie),
        json!({ "client_key": key, "version": survey["version"], "building_id": app.places.building.id,
                "unit": "1", "room": room, "answers": a, "collected_at": chrono::Utc::now().timestamp() - 60 }),
    )
    .await
}

/// A published survey with one door-to-door response; returns (the collector, the response id).
pub async fn door_to_door_response(app: &TestApp) -> (String, Value) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let survey = publish_template(app, &staff).await;
    let r = collect(app, &staff, &survey, "dev-h", "201", answers("满意")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (staff, r.body["id"].clone())
}

async fn staff_publish_a_template_and_residents_answer_once_per_household(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let survey = publish_template(&app, &staff).await;
    // Two members of one household (the same home) share one response.
    let first = app.register("13900000901").await;
    let second = app.register("13900000902").await;
    let list = app.get("/api/surveys", Some(&first)).await.body;
    assert_eq!(list[0]["id"], survey["id"]);
    assert_eq!(list[0]["answered"], false);
    let r = answer(&app, &first, &survey, "a1", answers("不满意")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["my_answers"]["overall"], "不满意");
    let seen = app
        .get(&format!("/api/surveys/{}", survey["id"]), Some(&second))
        .await
        .body;
    assert_eq!(
        seen["my_answers"]["overall"], "不满意",
        "the other member sees it answered"
    );
    assert_eq!(
        app.get("/api/surveys", Some(&second)).await.body[0]["answered"],
        true
    );
    let updated = answer(&app, &second, &survey, "b1", answers("满意")).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    // A retried send of the first answer does not overwrite the update.
    answer(&app, &first, &survey, "a1", answers("不满意")).await;
    let rows = app
        .get(
            &format!("/api/surveys/{}/responses", survey["id"]),
            Some(&staff),
        )
        .await;
    assert_eq!(rows.status, StatusCode::OK, "{}", rows.body);
    let rows = rows.body.as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "one response per household: {rows:?}");
    assert_eq!(rows[0]["answers"]["overall"], "满意");
    assert_eq!(rows[0]["satisfied"], true);
    assert_eq!(rows[0]["channel"], "resident");
}

async fn door_to_door_sync_is_idempotent_and_a_second_collector_is_flagged(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let survey = publish_template(&app, &staff).await;
    let first = collect(&app, &staff, &survey, "dev-1", "101", answers("满意")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["flagged"], false);
    let again = collect(&app, &staff, &survey, "dev-1", "101", answers("满意")).await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "the retried sync finds the first"
    );
    assert_eq!(again.body["id"], first.body["id"]);
    let second = collect(&app, &street, &survey, "dev-9", "101", answers("不满意")).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    assert_eq!(
        second.body["flagged"], true,
        "the later record of the household waits for review"
    );
    assert_eq!(second.body["collector"], "陈明（湖滨街道）");
    let other = collect(&app, &staff, &survey, "dev-2", "102", answers("不满意")).await;
    assert_eq!(other.body["flagged"], false);

    let results = app
        .get(
            &format!("/api/surveys/{}/results", survey["id"]),
            Some(&staff),
        )
        .await
        .body;
    let c = &results["communities"][0];
    // Door-to-door records wait for a reviewer before they count: shown apart.
    assert_eq!(c["responses"], 0, "{results}");
    assert_eq!(c["pending_review"], 2, "rooms 101 and 102: {results}");

    // Review: rejected responses stop counting; a flagged one counts once accepted.
    let bad = app
        .post(
            &format!("/api/survey-responses/{}/review", other.body["id"]),
            Some(&staff),
            json!({ "review": "rejected" }),
        )
        .await;
    assert_envelope(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let rejected = app
        .post(
            &format!("/api/survey-responses/{}/review", other.body["id"]),
            Some(&staff),
            json!({ "review": "rejected", "note": "住户不在家，邻居代答" }),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    assert_eq!(rejected.body["review"], "rejected");
    let approved = app
        .post(
            &format!("/api/survey-responses/{}/review", second.body["id"]),
            Some(&street),
            json!({ "review": "approved" }),
        )
        .await;
    assert_eq!(approved.body["review"], "approved", "{}", approved.body);
    let issues = app
        .post(
            &format!("/api/survey-responses/{}/review", first.body["id"]),
            Some(&staff),
            json!({ "review": "has_issues", "note": "字迹不清" }),
        )
        .await;
    assert_eq!(issues.body["review"], "has_issues");
    let results = app
        .get(
            &format!("/api/surveys/{}/results", survey["id"]),
            Some(&staff),
        )
        .await
        .body;
    let c = &results["communities"][0];
    assert_eq!(
        c["responses"], 1,
        "room 102 rejected; room 101 counted once: {results}"
    );
    assert_eq!(
        c["satisfied"], 0,
        "the latest accepted record of room 101 says 不满意"
    );
    assert_eq!(c["pending_review"], 0, "all reviewed: {results}");
}

async fn editing_a_published_survey_makes_a_new_version(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let survey = publish_template(&app, &staff).await;
    let resident = app.register("13900000911").await;
    assert_eq!(
        answer(&app, &resident, &survey, "k", answers("满意"))
            .await
            .status,
        StatusCode::OK
    );
    let mut definition = survey["definition"].clone();
    definition["questions"]
        .as_array_mut()
        .unwrap()
        .retain(|q| q["id"] != "green");
    let edited = app
        .put(
            &format!("/api/surveys/{}", survey["id"]),
            Some(&staff),
            json!({ "definition": definition, "community_ids": [app.places.community.id], "opens_on": "2020-01-01", "closes_on": "2099-12-31", "target_percent": 85 }),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.body["version"], 2);
    assert_eq!(edited.body["has_draft"], true);
    // Residents still answer version 1 until version 2 is published.
    assert_eq!(
        app.get(&format!("/api/surveys/{}", survey["id"]), Some(&resident))
            .await
            .body["version"],
        1
    );
    publish(&app, &staff, &survey["id"]).await;
    let v2 = app
        .get(&format!("/api/surveys/{}", survey["id"]), Some(&resident))
        .await
        .body;
    assert_eq!(v2["version"], 2);
    assert_eq!(
        v2["my_answers"],
        Value::Null,
        "a new version is answered afresh"
    );
    let stale = answer(&app, &resident, &survey, "k2", answers("满意")).await;
    assert_envelope(&stale, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(stale.body["fields"]["version"].is_object());
    // A collector's device still holding version 1 sends answers tied to version 1.
    let old = collect(&app, &staff, &survey, "offline-v1", "201", answers("满意")).await;
    assert_eq!(old.status, StatusCode::CREATED, "{}", old.body);
    assert_eq!(old.body["version"], 1);
    let mut a = answers("满意");
    a.as_object_mut().unwrap().remove("green");
    let r = answer(&app, &resident, &v2, "k3", a).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = app
        .get(
            &format!("/api/surveys/{}/responses", survey["id"]),
            Some(&staff),
        )
        .await
        .body;
    let versions: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(
        versions,
        vec![1, 1, 2],
        "answers stay tied to the version they answered"
    );
}

async fn results_give_rates_and_the_verdict_at_the_target(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let survey = publish_template_with(&app, &staff, json!({ "min_sample": 10 })).await;
    assert_eq!(survey["min_sample"], 10);
    let results_now = || async {
        let r = app
            .get(
                &format!("/api/surveys/{}/results?month={}", survey["id"], month()),
                Some(&staff),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
    };
    let approve = |id: Value| {
        let street = street.clone();
        let app = &app;
        async move {
            let r = app
                .post(
                    &format!("/api/survey-responses/{id}/review"),
                    Some(&street),
                    json!({ "review": "approved" }),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    // 10 households door to door: 9 satisfied is exactly 90 %.
    let mut collected = Vec::new();
    for n in 0..10 {
        let overall = if n == 0 {
            "不满意"
        } else if n % 2 == 0 {
            "满意"
        } else {
            "基本满意"
        };
        let r = collect(
            &app,
            &staff,
            &survey,
            &format!("k{n}"),
            &format!("{}", 300 + n),
            answers(overall),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        collected.push(r.body["id"].clone());
    }
    // Not reviewed yet: nothing counts, all ten wait apart, no verdict.
    let results = results_now().await;
    let c = &results["communities"][0];
    assert_eq!(c["counted"], 0, "{results}");
    assert_eq!(c["pending_review"], 10);
    assert_eq!(c["verdict"], "no_data");
    assert_eq!(results["min_sample"], 10);
    // Nine approved: one short of the minimum sample, so still no verdict.
    for id in &collected[..9] {
        approve(id.clone()).await;
    }
    let results = results_now().await;
    let c = &results["communities"][0];
    assert_eq!(c["counted"], 9);
    assert_eq!(c["pending_review"], 1);
    assert_eq!(c["below_min_sample"], true);
    assert_eq!(c["verdict"], "no_data", "{results}");
    approve(collected[9].clone()).await;
    let results = results_now().await;
    let c = &results["communities"][0];
    assert_eq!(c["responses"], 10);
    assert_eq!(c["counted"], 10);
    assert_eq!(c["satisfied"], 9);
    assert_eq!(c["satisfaction_rate"], 90.0);
    assert_eq!(c["below_min_sample"], false);
    assert_eq!(c["pending_review"], 0);
    assert_eq!(c["verdict"], "pass");
    assert_eq!(
        c["households"], 10,
        "no registered homes: the households that answered"
    );
    let overall = results["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "overall")
        .unwrap()
        .clone();
    assert_eq!(
        overall["counts"],
        json!([{ "label": "满意", "count": 4 }, { "label": "基本满意", "count": 5 }, { "label": "不满意", "count": 1 }])
    );
    let trend = results["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 6);
    assert_eq!(trend[5]["month"], month());
    assert_eq!(trend[5]["verdict"], "pass");
    assert_eq!(trend[4]["verdict"], "no_data");
    // One more unhappy household: 9 of 11 is below 90 %, once it is reviewed.
    let r = collect(&app, &staff, &survey, "k10", "310", answers("不满意")).await;
    assert_eq!(results_now().await["communities"][0]["verdict"], "pass");
    approve(r.body["id"].clone()).await;
    let c = results_now().await["communities"][0].clone();
    assert_eq!(c["verdict"], "needs_redo");
    // A registered home raises the household count.
    let resident = app.register("13900000921").await;
    let c = results_now().await["communities"][0].clone();
    assert_eq!(
        c["households"], 11,
        "max(registered homes, households that answered)"
    );
    // A resident's own answer counts at once, with no review.
    let r = answer(&app, &resident, &survey, "own", answers("满意")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let c = results_now().await["communities"][0].clone();
    assert_eq!(c["counted"], 12, "{c}");
    assert_eq!(c["satisfied"], 10);
    assert_eq!(c["pending_review"], 0);

    let csv = app
        .get(
            &format!("/api/surveys/{}/export?format=csv", survey["id"]),
            Some(&staff),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.body.as_str().unwrap().to_owned();
    assert!(text.contains("1单元 300"), "households are named");
    let anon = app
        .get(
            &format!(
                "/api/surveys/{}/export?format=csv&anonymised=true",
                survey["id"]
            ),
            Some(&staff),
        )
        .await;
    let text = anon.body.as_str().unwrap().to_owned();
    assert!(
        !text.contains("单元"),
        "anonymised export has no household identifiers"
    );
    assert!(text.contains("基本满意"));
    let xlsx = app
        .get(
            &format!(
                "/api/surveys/{}/export?format=xlsx&anonymised=true",
                survey["id"]
            ),
            Some(&staff),
        )
        .await;
    assert!(xlsx.body.as_str().is_some_and(|s| s.starts_with("PK")));
}

async fn bad_answers_and_closed_surveys_are_refused_and_nothing_is_saved(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let survey = publish_template(&app, &staff).await;
    let resident = app.register("13900000931").await;
    let mut wrong = answers("非常满意");
    wrong["parking"] = json!(3);
    wrong.as_object_mut().unwrap().remove("green");
    let r = answer(&app, &resident, &survey, "k", wrong).await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    for field in ["overall", "parking", "green"] {
        assert!(r.body["fields"][field].is_object(), "{field}: {}", r.body);
    }
    assert_eq!(
        app.get(&format!("/api/surveys/{}", survey["id"]), Some(&resident))
            .await
            .body["my_answers"],
        Value::Null,
        "nothing partially saved"
    );
    let unknown_version = app
        .put(
            &format!("/api/surveys/{}/my-response", survey["id"]),
            Some(&resident),
            json!({ "client_key": "x", "version": 7, "answers": answers("满意") }),
        )
        .await;
    assert!(unknown_version.body["fields"]["version"].is_object());
    // A household outside the collector's area.
    let elsewhere = app
        .state
        .db
        .jurisdiction(app.places.street.id)
        .await
        .unwrap()
        .unwrap();
    let other_street_building = {
        let county = app.places.county.clone();
        let s = app
            .state
            .db
            .ensure_jurisdiction(Some(&county), JurisdictionLevel::Street, "外街道")
            .await
            .unwrap();
        let c = app
            .state
            .db
            .ensure_jurisdiction(Some(&s), JurisdictionLevel::Community, "外社区")
            .await
            .unwrap();
        app.state
            .db
            .ensure_jurisdiction(Some(&c), JurisdictionLevel::Building, "9号楼")
            .await
            .unwrap()
    };
    let _ = elsewhere;
    let outside = app
        .post(
            &format!("/api/surveys/{}/responses", survey["id"]),
            Some(&staff),
            json!({ "client_key": "o", "version": survey["version"], "building_id": other_street_building.id, "unit": "1", "room": "1", "answers": answers("满意"), "collected_at": 0 }),
        )
        .await;
    assert_envelope(&outside, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(outside.body["fields"]["building_id"]["message"]
        .as_str()
        .unwrap()
        .contains("管辖范围"));
    // After the close date nothing more is accepted.
    let edited = app
        .put(
            &format!("/api/surveys/{}", survey["id"]),
            Some(&staff),
            json!({ "definition": survey["definition"], "community_ids": [app.places.community.id], "opens_on": "2020-01-01", "closes_on": "2020-12-31" }),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    publish(&app, &staff, &survey["id"]).await;
    let closed = app
        .get(&format!("/api/surveys/{}", survey["id"]), Some(&staff))
        .await
        .body;
    assert_eq!(closed["status"], "closed");
    let late = answer(&app, &resident, &closed, "late", answers("满意")).await;
    assert_envelope(&late, StatusCode::CONFLICT, "conflict");
    assert!(
        app.get("/api/surveys", Some(&resident))
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "closed surveys leave the resident's list"
    );
    let bad_survey = app
        .post("/api/surveys", Some(&staff), json!({ "definition": { "title": "", "questions": [], "rule": null }, "community_ids": [], "opens_on": "2026-02-30", "closes_on": "x" }))
        .await;
    assert_envelope(&bad_survey, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    for f in [
        "title",
        "questions",
        "opens_on",
        "closes_on",
        "community_ids",
    ] {
        assert!(bad_survey.body["fields"][f].is_object(), "{f}");
    }
}

async fn outsiders_see_no_survey_or_response(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let survey = publish_template(&app, &staff).await;
    let r = collect(&app, &staff, &survey, "k", "101", answers("满意")).await;
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let other = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.street),
            JurisdictionLevel::Community,
            "隔壁社区",
        )
        .await
        .unwrap();
    let outsider = app
        .create_staff(&admin, "13900000941", "community_staff", other.id)
        .await;
    let id = &survey["id"];
    for res in [
        app.get(&format!("/api/surveys/{id}"), Some(&outsider))
            .await,
        app.get(&format!("/api/surveys/{id}/results"), Some(&outsider))
            .await,
        app.get(&format!("/api/surveys/{id}/export"), Some(&outsider))
            .await,
        collect(&app, &outsider, &survey, "x", "101", answers("满意")).await,
        app.post(
            &format!("/api/survey-responses/{}/review", r.body["id"]),
            Some(&outsider),
            json!({ "review": "approved" }),
        )
        .await,
    ] {
        assert_envelope(&res, StatusCode::NOT_FOUND, "not_found");
    }
    assert!(app
        .get("/api/surveys", Some(&outsider))
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());
    // Residents of a community the survey does not target do not see it either.
    let elsewhere = app
        .post("/api/auth/register", None, json!({ "phone": "13900000942", "password": "a quiet courtyard", "display_name": "李伯", "building_id": app.state.db.ensure_jurisdiction(Some(&other), JurisdictionLevel::Building, "1号楼").await.unwrap().id, "unit": "1", "room": "101", "sms_code": app.sms_code("13900000942", "register", None).await }))
        .await
        .cookie()
        .unwrap();
    assert_envelope(
        &app.get(&format!("/api/surveys/{id}"), Some(&elsewhere))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert!(app
        .get("/api/surveys", Some(&elsewhere))
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());
}
