//! Building a survey: title, dates, target, communities, the questions (rating, single or
//! multiple choice, yes/no, short text; required or optional; grouped into pages) and which
//! answer means "satisfied". Saving a published survey starts its next version; publishing
//! freezes it.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::i18n::{page_title, tr};
use crate::pages::surveys::status_key;
use anju_domain::survey::{
    QuestionKind, SatisfactionRule, SatisfiedWhen, SurveyDefinition, SurveyQuestion,
};
use anju_domain::survey_api::{SaveSurveyRequest, SurveyView};
use anju_domain::{FieldError, JurisdictionView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

fn kind_key(k: &QuestionKind) -> &'static str {
    match k {
        QuestionKind::SingleChoice { .. } => "builder.single",
        QuestionKind::MultiChoice { .. } => "builder.multi",
        QuestionKind::Rating { .. } => "builder.rating",
        QuestionKind::YesNo => "builder.yes_no",
        QuestionKind::ShortText => "builder.text",
    }
}

fn options_of(k: &QuestionKind) -> Option<String> {
    match k {
        QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options } => {
            Some(options.join("、"))
        }
        _ => None,
    }
}

fn split_options(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', '\n'])
        .map(|o| o.trim().to_owned())
        .filter(|o| !o.is_empty())
        .collect()
}

#[component]
pub fn SurveyEdit() -> impl IntoView {
    page_title("builder.title");
    let params = use_params_map();
    let view_sig = RwSignal::new(None::<SurveyView>);
    let definition = RwSignal::new(None::<SurveyDefinition>);
    let title = RwSignal::new(String::new());
    let opens = RwSignal::new(String::new());
    let closes = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let min_sample = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    let new_kind = RwSignal::new("rating".to_owned());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let notice = RwSignal::new(None::<&'static str>);
    let id = move || {
        params
            .read_untracked()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or_default()
    };
    let apply = move |v: SurveyView| {
        title.set(v.definition.title.clone());
        opens.set(v.opens_on.clone());
        closes.set(v.closes_on.clone());
        target.set(v.target_percent.to_string());
        min_sample.set(v.min_sample.to_string());
        chosen.set(v.communities.iter().map(|c| c.id).collect());
        definition.set(Some(v.definition.clone()));
        view_sig.set(Some(v));
    };
    spawn_local(async move {
        if let Ok(list) = api::staff_communities().await {
            communities.set(list);
        }
        match api::survey(id()).await {
            Ok(v) => apply(v),
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });
    let request = move || {
        let mut d = definition
            .get_untracked()
            .unwrap_or_else(|| SurveyDefinition {
                title: String::new(),
                intro: String::new(),
                questions: vec![],
                rule: None,
            });
        d.title = title.get_untracked();
        SaveSurveyRequest {
            definition: d,
            community_ids: chosen.get_untracked(),
            opens_on: opens.get_untracked(),
            closes_on: closes.get_untracked(),
            target_percent: target.get_untracked().trim().parse().ok(),
            // Blank takes the default; anything else that is not a count is sent as 0, which
            // the server refuses with the field named.
            min_sample: match min_sample.get_untracked().trim() {
                "" => None,
                n => Some(n.parse().unwrap_or(0)),
            },
        }
    };
    let save = move |then_publish: bool| {
        let req = request();
        spawn_local(async move {
            let saved = api::update_survey(id(), &req).await;
            let result = match saved {
                Ok(v) if then_publish => api::publish_survey(v.id).await,
                other => other,
            };
            match result {
                Ok(v) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    notice.set(Some(if then_publish {
                        "builder.published"
                    } else {
                        "builder.saved"
                    }));
                    apply(v);
                }
                Err(e) => {
                    notice.set(None);
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
        });
    };
    let edit = move |f: Box<dyn FnOnce(&mut SurveyDefinition)>| {
        definition.update(|d| {
            if let Some(d) = d {
                f(d)
            }
        })
    };
    let add_question = move |_| {
        let kind = match new_kind.get_untracked().as_str() {
            "single" => QuestionKind::SingleChoice {
                options: vec!["满意".into(), "不满意".into()],
            },
            "multi" => QuestionKind::MultiChoice {
                options: vec!["选项一".into(), "选项二".into()],
            },
            "yes_no" => QuestionKind::YesNo,
            "text" => QuestionKind::ShortText,
            _ => QuestionKind::Rating {
                low_label: "很不满意".into(),
                high_label: "很满意".into(),
            },
        };
        edit(Box::new(move |d| {
            let n = (1..)
                .find(|n| !d.questions.iter().any(|q| q.id == format!("q{n}")))
                .unwrap_or(1);
            let page = d.questions.last().map(|q| q.page).unwrap_or(1);
            d.questions.push(SurveyQuestion {
                id: format!("q{n}"),
                text: String::new(),
                kind,
                required: true,
                page,
            });
        }));
    };
    view! {
        <h1>{tr("builder.title")}</h1>
        <ErrorSummary errors=errors general=general />
        {move || notice.get().map(|k| view! { <p class="panel-notice" role="status">{tr(k)}</p> })}
        {move || view_sig.get().map(|v| view! {
            <p class="lead">{tr("builder.version")} " " {v.version} " · " {tr(status_key(v.status))}
                {v.has_draft.then(|| view! { " · " {tr("builder.unpublished")} })}</p>
        })}
        <form class="form" on:submit=move |ev| { ev.prevent_default(); save(false); } novalidate>
            <TextField id="title" label="builder.survey_title" value=title errors=errors />
            <div class="field-row">
                <div class="field"><label for="opens_on">{tr("builder.opens")}</label>
                    <input id="opens_on" type="date" prop:value=move || opens.get() on:change=move |ev| opens.set(event_target_value(&ev)) /></div>
                <div class="field"><label for="closes_on">{tr("builder.closes")}</label>
                    <input id="closes_on" type="date" prop:value=move || closes.get() on:change=move |ev| closes.set(event_target_value(&ev)) /></div>
            </div>
            <TextField id="target_percent" label="builder.target" value=target errors=errors inputmode="numeric" hint="builder.target_hint" />
            <TextField id="min_sample" label="builder.min_sample" value=min_sample errors=errors inputmode="numeric" hint="builder.min_sample_hint" />
            <fieldset class="fieldset" id="community_ids">
                <legend>{tr("builder.communities")}</legend>
                {move || communities.get().into_iter().map(|c| {
                    let cid = c.id;
                    let dom = format!("community-{cid}");
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=dom.clone() prop:checked=move || chosen.with(|l| l.contains(&cid))
                                on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|l| { l.retain(|x| *x != cid); if on { l.push(cid); } }); } />
                            <label for=dom>{c.name}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <h2>{tr("builder.questions")}</h2>
            {move || definition.get().map(|d| d.questions.into_iter().enumerate().map(|(i, q)| {
                let text_id = format!("question-{i}");
                let opt_id = format!("options-{i}");
                let req_id = format!("required-{i}");
                let page_id = format!("page-{i}");
                let options = options_of(&q.kind);
                view! {
                    <fieldset class="fieldset builder-question">
                        <legend>{tr("builder.question")} " " {i + 1} " · " {tr(kind_key(&q.kind))}</legend>
                        <div class="field"><label for=text_id.clone()>{tr("builder.question_text")} " " {i + 1}</label>
                            <input id=text_id prop:value=q.text.clone() on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |d| d.questions[i].text = v)); } /></div>
                        {options.map(|o| view! {
                            <div class="field"><label for=opt_id.clone()>{tr("builder.options")} " " {i + 1}</label>
                                <input id=opt_id.clone() prop:value=o on:change=move |ev| {
                                    let v = split_options(&event_target_value(&ev));
                                    edit(Box::new(move |d| match &mut d.questions[i].kind {
                                        QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options } => *options = v,
                                        _ => {}
                                    }));
                                } /></div>
                        })}
                        <div class="field-row">
                            <div class="checkbox"><input type="checkbox" id=req_id.clone() prop:checked=q.required
                                on:change=move |ev| { let on = event_target_checked(&ev); edit(Box::new(move |d| d.questions[i].required = on)); } />
                                <label for=req_id>{tr("builder.required")}</label></div>
                            <div class="field"><label for=page_id.clone()>{tr("builder.page")}</label>
                                <input id=page_id type="number" min="1" prop:value=q.page.to_string()
                                    on:change=move |ev| { let p = event_target_value(&ev).parse().unwrap_or(1); edit(Box::new(move |d| d.questions[i].page = p)); } /></div>
                        </div>
                        <button type="button" class="link-button" on:click=move |_| edit(Box::new(move |d| { let gone = d.questions.remove(i).id; if d.rule.as_ref().is_some_and(|r| r.question_id == gone) { d.rule = None; } }))>
                            {tr("builder.remove")} " " {i + 1}
                        </button>
                    </fieldset>
                }
            }).collect_view())}
            <div class="field">
                <label for="new_kind">{tr("builder.add_kind")}</label>
                <select id="new_kind" on:change=move |ev| new_kind.set(event_target_value(&ev))>
                    {["rating", "single", "multi", "yes_no", "text"].into_iter().map(|k| view! { <option value=k>{tr(match k { "single" => "builder.single", "multi" => "builder.multi", "yes_no" => "builder.yes_no", "text" => "builder.text", _ => "builder.rating" })}</option> }).collect_view()}
                </select>
            </div>
            <p><button type="button" class="button button--secondary" on:click=add_question>{tr("builder.add")}</button></p>
            <h2>{tr("builder.rule")}</h2>
            <p class="hint">{tr("builder.rule_hint")}</p>
            {move || definition.get().map(|d| {
                let candidates: Vec<SurveyQuestion> = d.questions.iter().filter(|q| !matches!(q.kind, QuestionKind::ShortText | QuestionKind::MultiChoice { .. })).cloned().collect();
                let current = d.rule.clone();
                let current_q = current.as_ref().map(|r| r.question_id.clone()).unwrap_or_default();
                let threshold = match current.as_ref().map(|r| &r.when) { Some(SatisfiedWhen::RatingAtLeast { value }) => *value, _ => 4 };
                let rule_question = candidates.iter().find(|q| q.id == current_q).cloned();
                view! {
                    <div class="field" id="rule">
                        <label for="rule_question">{tr("builder.rule_question")}</label>
                        <select id="rule_question" on:change=move |ev| {
                            let qid = event_target_value(&ev);
                            edit(Box::new(move |d| {
                                d.rule = d.questions.iter().find(|q| q.id == qid).map(|q| SatisfactionRule {
                                    question_id: q.id.clone(),
                                    when: match &q.kind {
                                        QuestionKind::Rating { .. } => SatisfiedWhen::RatingAtLeast { value: 4 },
                                        QuestionKind::SingleChoice { options } => SatisfiedWhen::OneOf { options: options.iter().take(1).cloned().collect() },
                                        _ => SatisfiedWhen::Yes,
                                    },
                                });
                            }));
                        }>
                            <option value="">{tr("builder.no_rule")}</option>
                            {candidates.iter().map(|q| view! { <option value=q.id.clone() selected=q.id == current_q>{q.text.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    {rule_question.map(|q| match q.kind {
                        QuestionKind::Rating { .. } => view! {
                            <div class="field"><label for="rule_min">{tr("builder.rule_min")}</label>
                                <select id="rule_min" on:change=move |ev| { let v: u8 = event_target_value(&ev).parse().unwrap_or(4); edit(Box::new(move |d| if let Some(r) = &mut d.rule { r.when = SatisfiedWhen::RatingAtLeast { value: v }; })); }>
                                    {(1u8..=5).map(|n| view! { <option value=n.to_string() selected=n == threshold>{n}</option> }).collect_view()}
                                </select></div>
                        }.into_any(),
                        QuestionKind::SingleChoice { options } => {
                            let ok: Vec<String> = match current.as_ref().map(|r| &r.when) { Some(SatisfiedWhen::OneOf { options }) => options.clone(), _ => vec![] };
                            view! {
                                <fieldset class="fieldset"><legend>{tr("builder.rule_options")}</legend>
                                {options.into_iter().enumerate().map(|(i, o)| {
                                    let dom = format!("rule-option-{i}");
                                    let checked = ok.contains(&o);
                                    let shown = o.clone();
                                    view! {
                                        <div class="checkbox"><input type="checkbox" id=dom.clone() prop:checked=checked on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let o = o.clone();
                                            edit(Box::new(move |d| if let Some(SatisfactionRule { when: SatisfiedWhen::OneOf { options }, .. }) = &mut d.rule {
                                                options.retain(|x| *x != o);
                                                if on { options.push(o); }
                                            }));
                                        } /><label for=dom>{shown}</label></div>
                                    }
                                }).collect_view()}
                                </fieldset>
                            }.into_any()
                        }
                        _ => view! { <p>{tr("builder.rule_yes")}</p> }.into_any(),
                    })}
                }
            })}
            <p class="actions">
                <button type="submit" class="button button--secondary">{tr("builder.save")}</button>
                <button type="button" class="button" on:click=move |_| save(true)>{tr("builder.publish")}</button>
            </p>
        </form>
    }
}
