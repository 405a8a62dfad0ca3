//! Notices for a community or a building, and the buildings' concierge contacts: who may post
//! where, who sees what and when, urgent notices reaching each household, retries.

use crate::support::{on_both_backends, png, upload, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    residents_see_the_current_notices_over_their_home_and_no_others,
    staff_post_only_inside_their_area_and_a_retry_posts_once,
    an_urgent_notice_tells_each_household_of_its_scope,
    each_building_shows_its_own_concierge_to_its_residents,
    a_concierge_photo_is_shown_to_the_building_and_goes_with_the_person,
    a_notice_is_changed_in_place_and_households_told_hear_of_new_times,
);

/// `2026-12-08T09:00` for a time `hours` from now (Shanghai wall clock, whole minutes).
fn local(app: &TestApp, hours: i64) -> String {
    let t = app.state.clock.now() + hours * 3600;
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

fn notice(app: &TestApp, scope_id: i64, title: &str, from_h: i64, to_h: i64, key: &str) -> Value {
    json!({
        "scope_id": scope_id,
        "kind": "water",
        "title": title,
        "body": "管道检修，请提前储水。",
        "starts_at": local(app, from_h),
        "ends_at": local(app, to_h),
        "urgent": false,
        "client_key": key,
    })
}

/// A second building of the demo community, and a resident registered there.
async fn second_building(app: &TestApp) -> i64 {
    app.state
        .db
        .jurisdiction_children(app.places.community.id)
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.id != app.places.building.id)
        .expect("a second building")
        .id
}

/// A community other than the demo household's.
async fn other_community(app: &TestApp) -> anju_server::db::jurisdictions::JurisdictionRow {
    app.state
        .db
        .jurisdictions_at_level(JurisdictionLevel::Community)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id != app.places.community.id)
        .unwrap()
}

/// Signed in as the staff of another community than the demo household's.
async fn other_community_staff(app: &TestApp, phone: &str) -> String {
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let community = other_community(app).await.id;
    app.create_staff(&admin, phone, "community_staff", community)
        .await
}

fn titles(board: &Value) -> Vec<String> {
    board["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn residents_see_the_current_notices_over_their_home_and_no_others(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let here = app.places.building.id;
    let there = second_building(&app).await;
    let community = app.places.community.id;
    for (scope, title, from, to, key) in [
        (here, "1号楼今天停水", -1, 5, "a"),
        (community, "社区周末义诊", -2, 48, "b"),
        (there, "2号楼电梯检修", -1, 5, "c"),
        (here, "1号楼后天停电", 40, 44, "d"),
        (here, "1号楼下周消防演练", 24 * 7, 24 * 7 + 2, "e"),
    ] {
        let r = app
            .post(
                "/api/notices",
                Some(&staff),
                notice(&app, scope, title, from, to, key),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let ended = app
        .post(
            "/api/notices",
            Some(&staff),
            notice(&app, here, "马上结束的通知", -1, 1, "f"),
        )
        .await;
    assert_eq!(ended.status, StatusCode::CREATED);

    let resident = app.register("13900000400").await;
    let board = app.get("/api/home/board", Some(&resident)).await;
    assert_eq!(board.status, StatusCode::OK);
    // Current ones first (the building's, the community's), then what starts within three
    // days; not another building's, not next week's.
    assert_eq!(
        titles(&board.body),
        [
            "社区周末义诊",
            "1号楼今天停水",
            "马上结束的通知",
            "1号楼后天停电"
        ]
    );
    let first = &board.body["notices"][0];
    assert_eq!(first["scope_name"], "柳岸社区");
    assert_eq!(board.body["notices"][1]["scope_name"], "柳岸社区 1号楼");
    assert_eq!(first["current"], true);
    assert_eq!(board.body["notices"][3]["current"], false);
    assert!(first["households_told"].is_null(), "staff-only figure");
    // The other building's resident sees theirs and the community's.
    let neighbour = app.register_in("13900000401", there).await;
    let board = app.get("/api/home/board", Some(&neighbour)).await;
    assert_eq!(titles(&board.body), ["社区周末义诊", "2号楼电梯检修"]);

    // Two hours on, the short one has ended; a withdrawn one goes at once.
    app.state.clock.advance(2 * 3600);
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let id = app.get("/api/notices", Some(&staff)).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["title"] == "社区周末义诊")
        .unwrap()["id"]
        .clone();
    let withdrawn = app
        .post(
            &format!("/api/notices/{id}/withdraw"),
            Some(&staff),
            json!({}),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK);
    assert_eq!(withdrawn.body["withdrawn"], true);
    let resident = app
        .sign_in("13900000400", "a quiet courtyard")
        .await
        .cookie()
        .unwrap();
    let board = app.get("/api/home/board", Some(&resident)).await;
    assert_eq!(titles(&board.body), ["1号楼今天停水", "1号楼后天停电"]);
    // The staff list keeps all of them, withdrawn marked, for the record.
    let list = app.get("/api/notices", Some(&staff)).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 6);
    assert_eq!(app.audit_details("notice.post").await.len(), 6);
    assert_eq!(app.audit_details("notice.withdraw").await.len(), 1);
    // Residents cannot post or list.
    let r = app
        .post(
            "/api/notices",
            Some(&resident),
            notice(&app, here, "居民的通知", 0, 2, "g"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/notices", Some(&resident)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/home/board", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn staff_post_only_inside_their_area_and_a_retry_posts_once(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let other_community = other_community(&app).await;
    let r = app
        .post(
            "/api/notices",
            Some(&staff),
            notice(&app, other_community.id, "别的社区", 0, 2, "x"),
        )
        .await;
    crate::support::assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["scope_id"].is_object(), "{}", r.body);
    // Not a street either: notices are for a community or a building.
    let r = app
        .post(
            "/api/notices",
            Some(&staff),
            notice(&app, app.places.street.id, "整条街", 0, 2, "y"),
        )
        .await;
    assert!(r.body["fields"]["scope_id"].is_object(), "{}", r.body);
    // Every field's problem is named, in both languages.
    let r = app
        .post(
            "/api/notices",
            Some(&staff),
            json!({ "scope_id": app.places.building.id, "kind": "water", "title": "",
                    "body": "", "starts_at": "明天", "ends_at": local(&app, -3), "client_key": "z" }),
        )
        .await;
    for field in ["title", "body", "starts_at", "ends_at"] {
        assert!(
            r.body["fields"][field]["message_en"].is_string(),
            "{field}: {}",
            r.body
        );
    }
    let r = app
        .post("/api/notices", Some(&staff), json!({ "scope_id": "one" }))
        .await;
    assert!(r.status.is_client_error());

    // The same post twice (a retry on a bad network): one notice.
    let body = notice(&app, app.places.building.id, "1号楼停水", 1, 3, "retry-1");
    let first = app.post("/api/notices", Some(&staff), body.clone()).await;
    let again = app.post("/api/notices", Some(&staff), body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(first.body["id"], again.body["id"]);
    assert_eq!(
        app.strings("SELECT title FROM notices").await,
        ["1号楼停水"]
    );

    // The street reviewer over it may post for the community; another community's staff may
    // not withdraw this one.
    let reviewer = app.sign_in_demo(Role::StreetReviewer).await;
    let r = app
        .post(
            "/api/notices",
            Some(&reviewer),
            notice(&app, app.places.community.id, "街道通知", 0, 2, "s"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let outsider = app
        .create_staff(&admin, "13900000409", "community_staff", other_community.id)
        .await;
    let r = app
        .post(
            &format!("/api/notices/{}/withdraw", first.body["id"]),
            Some(&outsider),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(app.get("/api/notices", Some(&outsider)).await.body["items"]
        .as_array()
        .unwrap()
        .is_empty());
}

async fn an_urgent_notice_tells_each_household_of_its_scope(app: TestApp) {
    let here_1 = app.register("13900000410").await;
    let here_2 = app.register("13900000411").await;
    let there = app
        .register_in("13900000412", second_building(&app).await)
        .await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let mut body = notice(&app, app.places.building.id, "1号楼水管爆裂", 0, 6, "u-1");
    body["urgent"] = json!(true);
    body["kind"] = json!("water");
    let r = app.post("/api/notices", Some(&staff), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The two above and the demo household of that building.
    let in_building: i64 = app
        .strings(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM accounts WHERE home_building_id = {} AND role IN ('resident', 'guardian')",
            app.places.building.id
        ))
        .await[0]
        .parse()
        .unwrap();
    assert!(in_building >= 2);
    assert_eq!(r.body["households_told"], in_building);
    for cookie in [&here_1, &here_2] {
        let page = app.get("/api/notifications", Some(cookie)).await;
        assert_eq!(page.body["items"][0]["kind"], "notice");
        let message = page.body["items"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("【停水】柳岸社区 1号楼：1号楼水管爆裂"),
            "{message}"
        );
    }
    assert_eq!(
        app.get("/api/notifications", Some(&there)).await.body["unread"],
        0
    );
    // Queued for texts with the notice (residents' default), in its transaction.
    assert_eq!(
        app.strings("SELECT channel FROM outbox").await.len() as i64,
        in_building
    );
}

async fn each_building_shows_its_own_concierge_to_its_residents(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let here = app.places.building.id;
    let there = second_building(&app).await;
    let contact = json!({ "name": "李师傅", "role": "楼栋管家", "phone": "0571-88886666", "hours": "每天 8:00–20:00" });
    let r = app
        .put(
            &format!("/api/buildings/{here}/concierge"),
            Some(&staff),
            contact.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["building_name"], "柳岸社区 1号楼");
    let list = app.get("/api/concierges", Some(&staff)).await;
    let items = list.body["items"].as_array().unwrap();
    assert!(items
        .iter()
        .any(|b| b["building_id"] == here && b["contact"]["name"] == "李师傅"));
    assert!(items
        .iter()
        .any(|b| b["building_id"] == there && b["contact"].is_null()));

    let resident = app.register("13900000420").await;
    let board = app.get("/api/home/board", Some(&resident)).await;
    assert_eq!(board.body["concierge"]["contact"], contact);
    let neighbour = app.register_in("13900000421", there).await;
    assert!(app.get("/api/home/board", Some(&neighbour)).await.body["concierge"].is_null());

    // A bad number is named; a building outside the area is not found; removal works.
    let mut bad = contact.clone();
    bad["phone"] = json!("找李师傅");
    let r = app
        .put(
            &format!("/api/buildings/{here}/concierge"),
            Some(&staff),
            bad,
        )
        .await;
    assert!(r.body["fields"]["phone"].is_object(), "{}", r.body);
    let r = app
        .put(
            &format!("/api/buildings/{}/concierge", app.places.community.id),
            Some(&staff),
            contact.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .put(
            &format!("/api/buildings/{here}/concierge"),
            Some(&resident),
            contact,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.delete(&format!("/api/buildings/{here}/concierge"), Some(&staff))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(app.get("/api/home/board", Some(&resident)).await.body["concierge"].is_null());
    assert_eq!(app.audit_details("concierge.set").await.len(), 1);
    assert_eq!(app.audit_details("concierge.remove").await.len(), 1);
}

/// A `PUT` of a photo's bytes, as the staff page sends it.
fn photo_put(path: &str, cookie: &str, bytes: Vec<u8>) -> axum::http::Request<axum::body::Body> {
    let mut request = upload(path, cookie, bytes);
    *request.method_mut() = Method::PUT;
    request
}

async fn a_concierge_photo_is_shown_to_the_building_and_goes_with_the_person(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let here = app.places.building.id;
    let there = second_building(&app).await;
    let photo_path = format!("/api/buildings/{here}/concierge/photo");
    let contact = json!({ "name": "李师傅", "role": "楼栋管家", "phone": "13800000000", "hours": "每天 8:00–20:00" });

    // No contact yet: nobody to show a photo of.
    let r = app.send(photo_put(&photo_path, &staff, png(10))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["fields"]["photo"].is_object(), "{}", r.body);

    app.put(
        &format!("/api/buildings/{here}/concierge"),
        Some(&staff),
        contact.clone(),
    )
    .await;
    let r = app.send(photo_put(&photo_path, &staff, png(10))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let first_url = r.body["photo_url"]
        .as_str()
        .expect("a photo address")
        .to_owned();
    assert!(
        first_url.starts_with(&format!("{photo_path}?v=")),
        "{first_url}"
    );
    // Not a photo: named, and the one already there stays.
    let r = app
        .send(photo_put(&photo_path, &staff, b"not an image".to_vec()))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body["fields"]["photo"].is_object(), "{}", r.body);

    // The building's resident sees it on the board and can open it; a neighbour cannot.
    let resident = app.register("13900000430").await;
    let board = app.get("/api/home/board", Some(&resident)).await;
    assert_eq!(board.body["concierge"]["photo_url"], first_url.as_str());
    let got = app.get(&first_url, Some(&resident)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers["content-type"], "image/jpeg");
    let neighbour = app.register_in("13900000431", there).await;
    assert_eq!(
        app.get(&photo_path, Some(&neighbour)).await.status,
        StatusCode::NOT_FOUND
    );
    // Staff of another community cannot open or change it.
    let other = other_community_staff(&app, "13900000439").await;
    assert_eq!(
        app.get(&photo_path, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.send(photo_put(&photo_path, &other, png(20))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.send(photo_put(&photo_path, &resident, png(20))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A new photo is a new address, so no cache shows the old one.
    let r = app.send(photo_put(&photo_path, &staff, png(30))).await;
    let second_url = r.body["photo_url"].as_str().unwrap().to_owned();
    assert_ne!(second_url, first_url);

    // Same person, new hours: the photo stays. Another person: it goes.
    let mut new_hours = contact.clone();
    new_hours["hours"] = json!("工作日 9:00–17:00");
    let r = app
        .put(
            &format!("/api/buildings/{here}/concierge"),
            Some(&staff),
            new_hours,
        )
        .await;
    assert_eq!(r.body["photo_url"], second_url.as_str());
    let mut someone_else = contact.clone();
    someone_else["name"] = json!("王阿姨");
    let r = app
        .put(
            &format!("/api/buildings/{here}/concierge"),
            Some(&staff),
            someone_else,
        )
        .await;
    assert!(r.body["photo_url"].is_null(), "{}", r.body);
    assert_eq!(
        app.get(&photo_path, Some(&resident)).await.status,
        StatusCode::NOT_FOUND
    );

    // Removing the photo keeps the contact.
    app.send(photo_put(&photo_path, &staff, png(40))).await;
    let r = app.delete(&photo_path, Some(&staff)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body["photo_url"].is_null());
    assert_eq!(r.body["contact"]["name"], "王阿姨");
    assert_eq!(app.audit_details("concierge.photo").await.len(), 3);
    assert_eq!(app.audit_details("concierge.photo_remove").await.len(), 1);
}

/// The messages a resident has of kind `notice`, newest first.
async fn notice_messages(app: &TestApp, cookie: &str) -> Vec<String> {
    app.get("/api/notifications", Some(cookie)).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "notice")
        .map(|n| n["message"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_notice_is_changed_in_place_and_households_told_hear_of_new_times(app: TestApp) {
    let resident = app.register("13900000440").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let building = app.places.building.id;
    let posted = app
        .post(
            "/api/notices",
            Some(&staff),
            notice(&app, building, "1号楼停水", 1, 5, "e-1"),
        )
        .await;
    let id = posted.body["id"].as_i64().unwrap();
    let path = format!("/api/notices/{id}");
    // Not urgent: shown, not sent.
    assert!(notice_messages(&app, &resident).await.is_empty());

    // The words and times change in place: the board shows the new ones, once.
    let mut edit = notice(&app, building, "1号楼停水（改期）", 2, 7, "e-2");
    edit["body"] = json!("改为下午更换水管。");
    let r = app.put(&path, Some(&staff), edit.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["title"], "1号楼停水（改期）");
    assert_ne!(r.body["starts_at"], posted.body["starts_at"]);
    let board = app.get("/api/home/board", Some(&resident)).await;
    assert_eq!(titles(&board.body), ["1号楼停水（改期）"]);
    assert_eq!(board.body["notices"][0]["body"], "改为下午更换水管。");
    assert!(notice_messages(&app, &resident).await.is_empty());

    // Made urgent: the building's households are sent it now.
    edit["urgent"] = json!(true);
    let r = app.put(&path, Some(&staff), edit.clone()).await;
    assert!(
        r.body["households_told"].as_i64().unwrap() >= 1,
        "{}",
        r.body
    );
    let messages = notice_messages(&app, &resident).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("【停水】柳岸社区 1号楼：1号楼停水（改期）"),
        "{messages:?}"
    );
    // The same change sent again (a retry) changes and sends nothing.
    app.put(&path, Some(&staff), edit.clone()).await;
    assert_eq!(notice_messages(&app, &resident).await.len(), 1);
    // Only the text on the portal changes: nothing to correct by text.
    edit["body"] = json!("改为下午更换水管，请提前储水。");
    app.put(&path, Some(&staff), edit.clone()).await;
    assert_eq!(notice_messages(&app, &resident).await.len(), 1);
    // New times after they were told: a correction, even with urgent switched off.
    let mut later = notice(&app, building, "1号楼停水（改期）", 3, 8, "e-3");
    later["urgent"] = json!(false);
    app.put(&path, Some(&staff), later.clone()).await;
    let messages = notice_messages(&app, &resident).await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with("【更正】【停水】"), "{messages:?}");

    // Refused: another place (named), a bad end (named), another community's staff (not
    // found), a resident (forbidden).
    let mut moved = later.clone();
    moved["scope_id"] = json!(second_building(&app).await);
    let r = app.put(&path, Some(&staff), moved).await;
    crate::support::assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["scope_id"].is_object(), "{}", r.body);
    let mut backwards = later.clone();
    backwards["ends_at"] = json!(local(&app, 2));
    let r = app.put(&path, Some(&staff), backwards).await;
    assert!(r.body["fields"]["ends_at"].is_object(), "{}", r.body);
    let other = other_community_staff(&app, "13900000449").await;
    assert_eq!(
        app.put(&path, Some(&other), later.clone()).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.put(&path, Some(&resident), later.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.put("/api/notices/abc", Some(&staff), later.clone())
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Withdrawn: no longer changeable, said on `notice`.
    app.post(&format!("{path}/withdraw"), Some(&staff), json!({}))
        .await;
    let r = app.put(&path, Some(&staff), later).await;
    crate::support::assert_envelope(&r, StatusCode::CONFLICT, "conflict");
    assert_eq!(
        app.audit_details("notice.edit").await,
        [
            "changed=title,body,starts_at,ends_at",
            "changed=urgent",
            "changed=body",
            "changed=body,starts_at,ends_at,urgent",
        ]
    );
}
