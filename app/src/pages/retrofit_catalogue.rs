//! The county's retrofit catalogue (county admins): the national list with the county's
//! prices and subsidy caps, by category; changing an item, retiring it or bringing it back;
//! adding an item of the county's own. Amounts are typed in 元 and sent in fen, parsed by
//! the same `anju_domain` code the server checks with.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::i18n::{page_title, tr};
use crate::state::{Prefs, Session};
use anju_domain::retrofit_catalogue::{
    format_yuan, parse_yuan, CatalogueItem, CatalogueItemInput, CatalogueView, ItemCategory,
    ItemKind,
};
use anju_domain::{FieldError, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the form below the tables is doing.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Closed,
    Edit(u16),
    Add,
}

#[derive(Clone, Copy)]
struct Form {
    category: RwSignal<ItemCategory>,
    kind: RwSignal<ItemKind>,
    name_zh: RwSignal<String>,
    name_en: RwSignal<String>,
    unit_zh: RwSignal<String>,
    unit_en: RwSignal<String>,
    price: RwSignal<String>,
    cap: RwSignal<String>,
    retired: RwSignal<bool>,
}

impl Form {
    fn new() -> Form {
        Form {
            category: RwSignal::new(ItemCategory::Aids),
            kind: RwSignal::new(ItemKind::Optional),
            name_zh: RwSignal::new(String::new()),
            name_en: RwSignal::new(String::new()),
            unit_zh: RwSignal::new(String::new()),
            unit_en: RwSignal::new(String::new()),
            price: RwSignal::new(String::new()),
            cap: RwSignal::new("0".into()),
            retired: RwSignal::new(false),
        }
    }

    fn fill(&self, item: Option<&CatalogueItem>) {
        let blank = CatalogueItem {
            no: 0,
            category: ItemCategory::Aids,
            kind: ItemKind::Optional,
            name_zh: String::new(),
            name_en: String::new(),
            unit_zh: String::new(),
            unit_en: String::new(),
            unit_price_fen: 0,
            subsidy_cap_fen: 0,
            retired: false,
            edited: false,
        };
        let item = item.unwrap_or(&blank);
        self.category.set(item.category);
        self.kind.set(item.kind);
        self.name_zh.set(item.name_zh.clone());
        self.name_en.set(item.name_en.clone());
        self.unit_zh.set(item.unit_zh.clone());
        self.unit_en.set(item.unit_en.clone());
        self.price.set(if item.unit_price_fen > 0 {
            format_yuan(item.unit_price_fen).replace(',', "")
        } else {
            String::new()
        });
        self.cap
            .set(format_yuan(item.subsidy_cap_fen).replace(',', ""));
        self.retired.set(item.retired);
    }

    /// The input, or the amount fields that are not amounts.
    fn input(&self) -> Result<CatalogueItemInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let amount = |text: String, field: &str, errors: &mut FieldErrors| {
            parse_yuan(&text).unwrap_or_else(|| {
                errors.insert(
                    field.into(),
                    FieldError::new(
                        "请填写金额（元），例如 180 或 180.50",
                        "Enter an amount in yuan, such as 180 or 180.50",
                    ),
                );
                0
            })
        };
        let unit_price_fen = amount(self.price.get_untracked(), "unit_price_fen", &mut errors);
        let kind = self.kind.get_untracked();
        let subsidy_cap_fen = if kind == ItemKind::Basic {
            amount(self.cap.get_untracked(), "subsidy_cap_fen", &mut errors)
        } else {
            0
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CatalogueItemInput {
            category: self.category.get_untracked(),
            kind,
            name_zh: self.name_zh.get_untracked(),
            name_en: self.name_en.get_untracked(),
            unit_zh: self.unit_zh.get_untracked(),
            unit_en: self.unit_en.get_untracked(),
            unit_price_fen,
            subsidy_cap_fen,
            retired: self.retired.get_untracked(),
        })
    }
}

fn item_name(locale: Locale, item: &CatalogueItem) -> String {
    match locale {
        Locale::ZhCn => item.name_zh.clone(),
        Locale::En => item.name_en.clone(),
    }
}

#[component]
pub fn RetrofitCatalogue() -> impl IntoView {
    page_title("catalogue.title");
    let session = expect_context::<Session>();
    let locale = expect_context::<Prefs>().locale;
    let view_data = RwSignal::new(None::<CatalogueView>);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let mode = RwSignal::new(Mode::Closed);
    let saved = RwSignal::new(None::<String>);
    let form = Form::new();
    let form_heading = NodeRef::<html::H2>::new();
    let county = move || {
        session.user.with_untracked(|u| {
            u.as_ref()
                .and_then(|u| u.jurisdiction.as_ref().map(|j| j.id))
        })
    };
    let fail = move |e: anju_domain::ErrorEnvelope| {
        errors.set(e.fields.clone());
        general.set(Some(FieldError::new(e.message, e.message_en)));
    };
    let reload = move || {
        let Some(c) = county() else { return };
        spawn_local(async move {
            match api::catalogue(c).await {
                Ok(v) => view_data.set(Some(v)),
                Err(e) => fail(e),
            }
        });
    };
    reload();
    // The form's heading takes focus when it opens, so keyboard and screen-reader users land
    // on it rather than staying on the button far above.
    Effect::new(move |_| {
        if mode.get() != Mode::Closed {
            if let Some(h) = form_heading.get() {
                let _ = h.focus();
            }
        }
    });
    let open = move |m: Mode| {
        errors.set(FieldErrors::new());
        general.set(None);
        saved.set(None);
        let item = match m {
            Mode::Edit(no) => view_data.with_untracked(|v| {
                v.as_ref()
                    .and_then(|v| v.items.iter().find(|i| i.no == no).cloned())
            }),
            _ => None,
        };
        form.fill(item.as_ref());
        mode.set(m);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(c) = county() else { return };
        let input = match form.input() {
            Ok(i) => i,
            Err(e) => {
                general.set(None);
                errors.set(e);
                return;
            }
        };
        let m = mode.get_untracked();
        spawn_local(async move {
            let result = match m {
                Mode::Edit(no) => api::save_catalogue_item(c, no, &input).await,
                Mode::Add => api::add_catalogue_item(c, &input).await,
                Mode::Closed => return,
            };
            match result {
                Ok(item) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    saved.set(Some(format!(
                        "{} {}",
                        item.no,
                        item_name(locale.get_untracked(), &item)
                    )));
                    mode.set(Mode::Closed);
                    reload();
                }
                Err(e) => fail(e),
            }
        });
    };

    let table = move |category: ItemCategory, items: Vec<CatalogueItem>| {
        // The scrollable table is the named region; the section around it stays unnamed so
        // the page has one landmark per category, not two with the same name.
        let heading_id = format!("category-{}", category.as_str());
        let label = move || match locale.get() {
            Locale::ZhCn => category.name_zh(),
            Locale::En => category.name_en(),
        };
        view! {
            <section>
                <h2 id=heading_id>{label}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label=label><table>
                    <thead><tr>
                        <th scope="col">{tr("catalogue.no")}</th>
                        <th scope="col">{tr("catalogue.name")}</th>
                        <th scope="col">{tr("catalogue.kind")}</th>
                        <th scope="col">{tr("catalogue.unit_price")}</th>
                        <th scope="col">{tr("catalogue.cap")}</th>
                        <th scope="col">{tr("catalogue.status")}</th>
                        <th scope="col"><span class="visually-hidden">{tr("county.action")}</span></th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|item| {
                            let no = item.no;
                            let name = item_name(locale.get_untracked(), &item);
                            let unit = match locale.get_untracked() {
                                Locale::ZhCn => item.unit_zh.clone(),
                                Locale::En => item.unit_en.clone(),
                            };
                            view! {
                                <tr class:retired=item.retired>
                                    <td>{no}</td>
                                    <th scope="row">{name.clone()}</th>
                                    <td>{if item.kind == ItemKind::Basic { tr("catalogue.basic") } else { tr("catalogue.optional") }}</td>
                                    <td>{format_yuan(item.unit_price_fen)} " " {tr("catalogue.yuan_per")} " " {unit}</td>
                                    <td>{if item.kind == ItemKind::Basic { format_yuan(item.subsidy_cap_fen) } else { "—".to_owned() }}</td>
                                    <td>{if item.retired { tr("catalogue.retired") } else { tr("catalogue.in_use") }}</td>
                                    <td><button type="button" class="button button--secondary" on:click=move |_| open(Mode::Edit(no))>
                                        {tr("catalogue.edit")}<span class="visually-hidden">" " {name.clone()}</span>
                                    </button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            </section>
        }
    };

    view! {
        <h1 tabindex="-1">{tr("catalogue.title")}</h1>
        <p class="lead">{move || view_data.with(|v| v.as_ref().map(|v| v.county_name.clone()))}</p>
        <p>{tr("catalogue.intro")}</p>
        {move || saved.get().map(|s| view! { <p role="status" class="notice">{tr("catalogue.saved")} " " {s}</p> })}
        <p><button type="button" class="button" on:click=move |_| open(Mode::Add)>{tr("catalogue.add")}</button></p>
        <Show when=move || mode.get() != Mode::Closed>
            <section class="panel" aria-labelledby="catalogue-form-heading">
                <h2 id="catalogue-form-heading" tabindex="-1" node_ref=form_heading>
                    {move || match mode.get() {
                        Mode::Edit(no) => format!("{} {}", tr("catalogue.editing")(), no),
                        _ => tr("catalogue.add")().to_owned(),
                    }}
                </h2>
                <ErrorSummary errors=errors general=general />
                <form class="form" on:submit=submit novalidate>
                    <Show when=move || mode.get() == Mode::Add>
                        <div class="field">
                            <label for="category">{tr("catalogue.category")}</label>
                            <select id="category" on:change=move |ev| {
                                if let Some(c) = ItemCategory::parse(&event_target_value(&ev)) { form.category.set(c) }
                            }>
                                {ItemCategory::ALL.into_iter().map(|c| view! {
                                    <option value=c.as_str() selected=move || form.category.get() == c>
                                        {move || if locale.get() == Locale::ZhCn { c.name_zh() } else { c.name_en() }}
                                    </option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="kind">{tr("catalogue.kind")}</label>
                            <select id="kind" on:change=move |ev| {
                                if let Some(k) = ItemKind::parse(&event_target_value(&ev)) { form.kind.set(k) }
                            }>
                                <option value="optional" selected=move || form.kind.get() == ItemKind::Optional>{tr("catalogue.optional")}</option>
                                <option value="basic" selected=move || form.kind.get() == ItemKind::Basic>{tr("catalogue.basic")}</option>
                            </select>
                        </div>
                    </Show>
                    <TextField id="name_zh" label="catalogue.name_zh" value=form.name_zh errors=errors />
                    <TextField id="name_en" label="catalogue.name_en" value=form.name_en errors=errors />
                    <TextField id="unit_zh" label="catalogue.unit_zh" value=form.unit_zh errors=errors />
                    <TextField id="unit_en" label="catalogue.unit_en" value=form.unit_en errors=errors />
                    <TextField id="unit_price_fen" label="catalogue.unit_price_yuan" value=form.price errors=errors inputmode="decimal" />
                    <Show when=move || form.kind.get() == ItemKind::Basic>
                        <TextField id="subsidy_cap_fen" label="catalogue.cap_yuan" hint="catalogue.cap_hint" value=form.cap errors=errors inputmode="decimal" />
                    </Show>
                    <Show when=move || matches!(mode.get(), Mode::Edit(_))>
                        <div class="checkbox">
                            <input type="checkbox" id="retired" prop:checked=move || form.retired.get() on:change=move |ev| form.retired.set(event_target_checked(&ev)) />
                            <label for="retired">{tr("catalogue.retire")}</label>
                        </div>
                    </Show>
                    <p>
                        <button type="submit" class="button">{tr("catalogue.save")}</button>
                        " "
                        <button type="button" class="button button--secondary" on:click=move |_| mode.set(Mode::Closed)>{tr("catalogue.cancel")}</button>
                    </p>
                </form>
            </section>
        </Show>
        {move || view_data.get().map(|v| {
            ItemCategory::ALL.into_iter().map(|c| {
                let items: Vec<CatalogueItem> = v.items.iter().filter(|i| i.category == c).cloned().collect();
                table(c, items)
            }).collect_view()
        })}
    }
}
