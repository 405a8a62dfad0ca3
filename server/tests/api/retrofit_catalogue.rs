//! The county's retrofit catalogue through the API: the national list as shipped, a county
//! admin's prices, caps and retirements, the county's own items, and who may do it.

use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    a_county_admin_prices_retires_and_adds_items_with_an_audit_entry_each,
    bad_item_input_names_the_field_and_changes_nothing,
    only_the_countys_own_admin_sees_or_changes_its_catalogue,
);

fn catalogue_path(app: &TestApp) -> String {
    format!("/api/retrofit/counties/{}/catalogue", app.places.county.id)
}

fn item(body: &Value, no: u64) -> Value {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["no"] == no)
        .cloned()
        .unwrap_or(Value::Null)
}

/// The item as the API gave it, as an input to send back (with changes).
fn input_from(item: &Value) -> Value {
    let mut input = item.clone();
    let o = input.as_object_mut().unwrap();
    o.remove("no");
    o.remove("edited");
    input
}

async fn a_county_admin_prices_retires_and_adds_items_with_an_audit_entry_each(app: TestApp) {
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let list = app.get(&catalogue_path(&app), Some(&county)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 30, "the national list as shipped");
    let basic: Vec<u64> = items
        .iter()
        .filter(|i| i["kind"] == "basic")
        .map(|i| i["no"].as_u64().unwrap())
        .collect();
    assert_eq!(basic, [1, 2, 11, 13, 17, 24, 29]);
    let grab_bars = item(&list.body, 13);
    assert_eq!(grab_bars["name_zh"], "安装扶手");
    assert_eq!(grab_bars["unit_price_fen"], 18_000);
    assert_eq!(grab_bars["edited"], false);

    // The county's own price and cap for grab bars.
    let mut input = input_from(&grab_bars);
    input["unit_price_fen"] = json!(21_050);
    input["subsidy_cap_fen"] = json!(84_200);
    let put = app
        .put(
            &format!("{}/13", catalogue_path(&app)),
            Some(&county),
            input,
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.body["unit_price_fen"], 21_050);
    assert_eq!(put.body["edited"], true);

    // Retire the video doorbell (an optional item).
    let mut doorbell = input_from(&item(&list.body, 9));
    doorbell["retired"] = json!(true);
    let retired = app
        .put(
            &format!("{}/9", catalogue_path(&app)),
            Some(&county),
            doorbell,
        )
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);

    // Two items of the county's own: numbered after the national list.
    let own = json!({
        "category": "aids", "kind": "optional", "name_zh": "助浴椅", "name_en": "Bath seat",
        "unit_zh": "把", "unit_en": "seat", "unit_price_fen": 26_000, "subsidy_cap_fen": 0,
    });
    let first = app
        .post(&catalogue_path(&app), Some(&county), own.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["no"], 31);
    let second = app.post(&catalogue_path(&app), Some(&county), own).await;
    assert_eq!(second.body["no"], 32);

    let after = app.get(&catalogue_path(&app), Some(&county)).await.body;
    assert_eq!(after["items"].as_array().unwrap().len(), 32);
    assert_eq!(item(&after, 13)["subsidy_cap_fen"], 84_200);
    assert_eq!(item(&after, 9)["retired"], true);
    assert_eq!(item(&after, 31)["name_zh"], "助浴椅");
    assert_eq!(
        item(&after, 1)["edited"],
        false,
        "untouched lines stay the seed's"
    );

    let changed = app.audit_details("retrofit.catalogue_item").await;
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(changed[0].contains("price_fen=21050"), "{changed:?}");
    assert!(changed[1].contains("retired=true"), "{changed:?}");
    assert_eq!(
        app.audit_details("retrofit.catalogue_item_added")
            .await
            .len(),
        2
    );
}

async fn bad_item_input_names_the_field_and_changes_nothing(app: TestApp) {
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let list = app.get(&catalogue_path(&app), Some(&county)).await.body;
    let path = format!("{}/13", catalogue_path(&app));

    let mut no_price = input_from(&item(&list, 13));
    no_price["unit_price_fen"] = json!(0);
    no_price["name_zh"] = json!("");
    let r = app.put(&path, Some(&county), no_price).await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(
        r.body["fields"]["unit_price_fen"]["message"].is_string(),
        "{}",
        r.body
    );
    assert!(
        r.body["fields"]["name_zh"]["message_en"].is_string(),
        "{}",
        r.body
    );

    // A national basic item stays basic: the subsidy's scope is the list's, not the form's.
    let mut made_optional = input_from(&item(&list, 13));
    made_optional["kind"] = json!("optional");
    made_optional["subsidy_cap_fen"] = json!(0);
    let r = app.put(&path, Some(&county), made_optional).await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["kind"].is_object(), "{}", r.body);

    // An optional item carries no subsidy.
    let own = json!({
        "category": "aids", "kind": "optional", "name_zh": "助浴椅", "name_en": "Bath seat",
        "unit_zh": "把", "unit_en": "seat", "unit_price_fen": 26_000, "subsidy_cap_fen": 500,
    });
    let r = app.post(&catalogue_path(&app), Some(&county), own).await;
    assert!(
        r.body["fields"]["subsidy_cap_fen"].is_object(),
        "{}",
        r.body
    );

    // Unknown items and numbers that are not numbers are not found; a wrong type names the
    // field (the project's 400 for a body that does not parse).
    let input = input_from(&item(&list, 13));
    for bad in ["99", "abc", "-1", "70000"] {
        let r = app
            .put(
                &format!("{}/{bad}", catalogue_path(&app)),
                Some(&county),
                input.clone(),
            )
            .await;
        assert_envelope(&r, StatusCode::NOT_FOUND, "not_found");
    }
    let mut wrong_type = input.clone();
    wrong_type["unit_price_fen"] = json!("210 元");
    let r = app.put(&path, Some(&county), wrong_type).await;
    assert_envelope(&r, StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        r.body["message_en"]
            .as_str()
            .unwrap()
            .contains("unit_price_fen"),
        "{}",
        r.body
    );

    let after = app.get(&catalogue_path(&app), Some(&county)).await.body;
    assert_eq!(after, list, "nothing changed");
    assert!(app
        .audit_details("retrofit.catalogue_item")
        .await
        .is_empty());
}

async fn only_the_countys_own_admin_sees_or_changes_its_catalogue(app: TestApp) {
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let city = app
        .state
        .db
        .jurisdiction(app.places.county.parent_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    let other_county = app
        .state
        .db
        .ensure_jurisdiction(Some(&city), JurisdictionLevel::County, "别的区")
        .await
        .unwrap();
    let outsider = app
        .create_staff(&admin, "13900000903", "county_admin", other_county.id)
        .await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let assessor = app
        .create_staff(&admin, "13900000905", "assessor", app.places.county.id)
        .await;
    let other_assessor = app
        .create_staff(&admin, "13900000906", "assessor", other_county.id)
        .await;
    let resident = app.register("13900000904").await;
    let own = json!({
        "category": "aids", "kind": "optional", "name_zh": "助浴椅", "name_en": "Bath seat",
        "unit_zh": "把", "unit_en": "seat", "unit_price_fen": 26_000, "subsidy_cap_fen": 0,
    });

    let r = app.get(&catalogue_path(&app), Some(&outsider)).await;
    assert_envelope(&r, StatusCode::NOT_FOUND, "not_found");
    let r = app
        .post(&catalogue_path(&app), Some(&outsider), own.clone())
        .await;
    assert_envelope(&r, StatusCode::NOT_FOUND, "not_found");
    for who in [&street, &resident] {
        let r = app.get(&catalogue_path(&app), Some(who)).await;
        assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");
        let r = app
            .post(&catalogue_path(&app), Some(who), own.clone())
            .await;
        assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    let r = app.get(&catalogue_path(&app), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The county's assessors read it to draft plans, and change nothing; another county's
    // assessor finds nothing.
    let r = app.get(&catalogue_path(&app), Some(&assessor)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 30);
    let r = app
        .post(&catalogue_path(&app), Some(&assessor), own.clone())
        .await;
    assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");
    let input = json!({
        "category": "toilet_bath", "kind": "basic", "name_zh": "安装扶手", "name_en": "Grab bars",
        "unit_zh": "根", "unit_en": "bar", "unit_price_fen": 1, "subsidy_cap_fen": 0,
    });
    let r = app
        .put(
            &format!("{}/13", catalogue_path(&app)),
            Some(&assessor),
            input,
        )
        .await;
    assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = app.get(&catalogue_path(&app), Some(&other_assessor)).await;
    assert_envelope(&r, StatusCode::NOT_FOUND, "not_found");

    // The other county's catalogue is its own: the outsider's change does not show here.
    let theirs = format!("/api/retrofit/counties/{}/catalogue", other_county.id);
    assert_eq!(
        app.post(&theirs, Some(&outsider), own).await.status,
        StatusCode::CREATED
    );
    let ours = app
        .get(
            &catalogue_path(&app),
            Some(&app.sign_in_demo(Role::CountyAdmin).await),
        )
        .await;
    assert_eq!(ours.body["items"].as_array().unwrap().len(), 30);
    // A system admin names the county.
    let by_admin = app.get(&catalogue_path(&app), Some(&admin)).await;
    assert_eq!(by_admin.status, StatusCode::OK, "{}", by_admin.body);
}
