#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! The render stage: computed tables, charts and narrative → HTML pages, the
//! print document, CSV and SVG, as an in-memory file list. Computes no numbers.

pub mod budget;
pub mod csvtables;
pub mod escape;
pub mod markdown;
pub mod page;
pub mod registry;
pub mod share;
pub mod table;
pub mod templates;
mod toc;
pub mod xlsx;

use crate::compute::Computed;
use crate::load::narrative::EmbedKind;
use crate::load::Content;
use crate::model::outline::{roman_display, Section};
use escape::{href, html_attr, html_text as escape, json_in_script, safe_url};
use markdown::MdContext;
use registry::{
    anchor, chapter_url, chart_svg, item_anchor, leaf_url, section_anchor, section_url, table_csv,
    table_xlsx, LinkMode, Registry,
};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::Context;

/// A file of the output tree, path relative to the output root.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Debug, Clone, Serialize, Default)]
struct NavEntry {
    number: String,
    title: String,
    url: String,
    anchor: String,
    pending: bool,
    sections: Vec<NavEntry>,
    items: Vec<NavEntry>,
}

#[derive(Debug, Clone, Serialize)]
struct Nav {
    front: Vec<NavEntry>,
    chapters: Vec<NavEntry>,
    attachments: Vec<NavEntry>,
}

const PENDING: &str = "<p class=\"pending\" role=\"note\">작성 예정</p>\n";

fn depth_root(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Page numbers of the print documents, by anchor, once a first print has
/// told them (empty on a plain build: the contents then show section numbers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pages {
    pub plan: BTreeMap<String, u32>,
    pub summary: BTreeMap<String, u32>,
    /// The PDF page where the plan's attachments begin. From there on the
    /// printed plan numbers its pages i, ii, iii … as the published plan does
    /// (the numbers are stamped on the PDF after printing).
    pub plan_roman_from: Option<u32>,
    /// The PDF page printed as page 1 of the plan: the one after the first
    /// chapter's divider, where Ⅰ-1 begins. As in the published plan, the
    /// pages before it (cover, feedback tables, 목차, that divider) carry no
    /// number and are not counted.
    pub plan_first: Option<u32>,
    /// The same for the summary: its first chapter's page, as the published
    /// 요약본 numbers its chapter Ⅰ page 1.
    pub summary_first: Option<u32>,
    /// The one print of a `build --pdf`, before any page is known: every
    /// page number is an empty slot of a fixed width (see [`page_slot`];
    /// the summary's references to the plan too) that gets its number
    /// stamped on the PDF, so that the pages laid out then are the pages
    /// printed (see `print_pdfs`).
    pub provisional: bool,
}

/// What a page reference holds in the provisional print: three figure
/// spaces, the width of three digits.
pub const PAGE_PLACEHOLDER: &str = "\u{2007}\u{2007}\u{2007}";

/// The fragment that marks a summary's reference to the plan in the
/// provisional print: `../print.html#pbref-<anchor>`, a link Chromium keeps
/// (with the slot's place on the page) whatever its target.
pub const PAGE_SLOT_PREFIX: &str = "pbref-";

impl Pages {
    /// The number printed at the foot of PDF page `page` (counted from 1)
    /// of the plan; none in the front matter.
    pub fn plan_label(&self, page: u32) -> Option<String> {
        match self.plan_roman_from {
            Some(from) if page >= from => Some(crate::numfmt::lower_roman(page - from + 1)),
            _ => body_number(page, self.plan_first),
        }
    }

    /// Whether the plan's PDF gets its page numbers after printing (so the
    /// print leaves every foot empty).
    pub fn plan_stamped(&self) -> bool {
        self.provisional || self.plan_first.is_some() || self.plan_roman_from.is_some()
    }

    /// The number printed at the foot of PDF page `page` of the summary.
    pub fn summary_label(&self, page: u32) -> Option<String> {
        body_number(page, self.summary_first)
    }

    /// The printed page number of a heading of the plan as print HTML, once
    /// known; in the provisional print a slot of `kind` (see [`page_slot`]).
    fn plan_page(&self, anchor: &str, kind: SlotKind) -> Option<String> {
        if self.provisional {
            return Some(page_slot(kind, anchor));
        }
        let label = self.plan.get(anchor).and_then(|&p| self.plan_label(p))?;
        Some(kind.shown(&label))
    }

    /// The printed page number of a heading of the summary as print HTML,
    /// once known (a slot in the provisional print).
    fn summary_page(&self, anchor: &str) -> Option<String> {
        if self.provisional {
            return Some(page_slot(SlotKind::Toc, anchor));
        }
        let label = self
            .summary
            .get(anchor)
            .and_then(|&p| self.summary_label(p))?;
        Some(SlotKind::Toc.shown(&label))
    }
}

/// What a page number in the print documents is for, and so how the number
/// stamped into its slot reads: a 목차 line's or the errata list's page
/// (`12`, right-aligned; the page of the document it is in) or a feedback
/// table's `(p.12)` (the plan's page, in either document).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotKind {
    Toc,
    Feedback,
}

impl SlotKind {
    /// The fragment prefix of the slot's link (after `#`).
    pub fn prefix(self) -> &'static str {
        match self {
            SlotKind::Toc => "pbtoc-",
            SlotKind::Feedback => "pbfb-",
        }
    }

    /// The page label as the page shows it, escaped.
    pub fn shown(self, label: &str) -> String {
        match self {
            SlotKind::Toc => escape(label),
            SlotKind::Feedback => format!("(p.{})", escape(label)),
        }
    }
}

/// An empty slot for a page number, printed blank and stamped with the
/// number once the print has told it (src/pdf.rs): a link Chromium keeps
/// with its place on the page. Its target is this document with a query,
/// so that Chromium writes it as a link out (an in-document link to no
/// element would be dropped); the stamp then makes it open the page.
/// Every number in the front matter is one, so that the one print's pages
/// are final: nothing printed after it can move a page break.
fn page_slot(kind: SlotKind, anchor: &str) -> String {
    format!(
        "<a class=\"pb-slot {}\" href=\"print.html?pb#{}{}\">{}</a>",
        kind.prefix().trim_end_matches('-'),
        kind.prefix(),
        html_attr(anchor),
        PAGE_PLACEHOLDER
    )
}

/// Page `page` counted from the body's first page `first`; before it none.
/// Unknown `first` (a plain build's print document) counts every page.
fn body_number(page: u32, first: Option<u32>) -> Option<String> {
    match first {
        Some(first) => page.checked_sub(first).map(|n| (n + 1).to_string()),
        None => Some(page.to_string()),
    }
}

/// Where the print documents' numbered pages begin: the anchor of the plan's
/// first chapter (page 1 is the page after its divider) and that of the
/// summary's first chapter (page 1 itself; the summary has no dividers).
pub fn print_body_anchors(content: &Content) -> (Option<String>, Option<String>) {
    let (_, summary) = print_headings(content);
    (
        content
            .plan
            .value
            .chapters
            .first()
            .map(|c| section_anchor(&c.id)),
        summary
            .into_iter()
            .map(|(a, _)| a)
            .find(|a| a.starts_with("sum-")),
    )
}

/// The anchors of the plan's dividers (간지): counted pages that show no number.
pub fn print_divider_anchors(content: &Content) -> Vec<String> {
    let plan = &content.plan.value;
    plan.chapters
        .iter()
        .map(|c| section_anchor(&c.id))
        .chain((!plan.attachments.is_empty()).then(|| "attachments".to_string()))
        .collect()
}

/// The anchor of the plan's first attachment in the print document: where the
/// Roman page numbers begin.
pub fn first_attachment_anchor(content: &Content) -> Option<String> {
    content
        .plan
        .value
        .attachments
        .first()
        .map(|a| attachment_anchor(&a.id))
}

fn attachment_anchor(id: &str) -> String {
    anchor("attachments", id)
}

struct Renderer<'a> {
    content: &'a Content,
    computed: &'a Computed,
    registry: Registry,
    tera: std::sync::Arc<templates::Theme>,
    /// Template failures met while rendering: the build fails rather than
    /// writing a page with a hole in it.
    errors: std::cell::RefCell<Vec<String>>,
    /// Each chart is drawn once and embedded in its page, the print document
    /// and its own SVG file.
    svgs: std::cell::RefCell<BTreeMap<String, String>>,
    pages: Pages,
    /// Search blocks of every site page, filled while pages are wrapped.
    search: std::cell::RefCell<Vec<SearchDoc>>,
    table_cache: std::cell::RefCell<BTreeMap<String, String>>,
    /// Each rendered table's cells for the search index, by anchor.
    search_tables: std::cell::RefCell<BTreeMap<String, SearchTable>>,
    /// Whether `tables/<id>.xlsx` are written (and linked from the tables).
    xlsx: bool,
    /// The CSV of every table that is not a table of `data/`.
    csv: csvtables::CsvTables,
    /// `build --base-url`: canonical links and a sitemap.
    base_url: Option<String>,
}

/// What a render writes beyond the default output.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `tables/<id>.xlsx` beside each CSV, linked from the table.
    pub xlsx: bool,
    /// The site's public URL ([`share::parse_base_url`]): canonical links
    /// and sitemap.xml. Without it every link stays relative.
    pub base_url: Option<String>,
    /// The web fonts of the output this build replaces (`build`), taken
    /// again where their glyphs are unchanged.
    pub previous_fonts: std::sync::Arc<crate::fonts::Previous>,
}

/// Workbooks by everything they are made from (the table's number and the
/// whole table, as its `Debug` text): equal keys, equal bytes
/// (`xlsx::table_xlsx` is a pure function of both). Holds only the last
/// render's workbooks.
pub type XlsxCache = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>;

impl<'a> Renderer<'a> {
    /// A renderer to render a later part with on another thread, holding
    /// what this one has made so far; [`Renderer::join`] takes back what it
    /// adds, as if it had rendered after this one.
    fn fork(&self) -> (Renderer<'a>, csvtables::Fork) {
        let (csv, at) = self.csv.fork();
        let r = Renderer {
            content: self.content,
            computed: self.computed,
            registry: self.registry.clone(),
            tera: std::sync::Arc::clone(&self.tera),
            errors: Default::default(),
            svgs: self.svgs.clone(),
            pages: self.pages.clone(),
            search: Default::default(),
            table_cache: self.table_cache.clone(),
            search_tables: self.search_tables.clone(),
            xlsx: self.xlsx,
            csv,
            base_url: self.base_url.clone(),
        };
        (r, at)
    }

    /// Takes in the errors, drawings and tables of a [`Renderer::fork`]
    /// that rendered a later part, as the serial order would have them
    /// (the first rendering of a table holds); false (nothing taken) when a
    /// table of that part would have had another id in the serial order.
    /// Search blocks are made only when pages are wrapped, never in a fork.
    fn join(&self, later: Renderer<'a>, at: csvtables::Fork) -> bool {
        if !self.csv.join(later.csv, at) {
            return false;
        }
        self.errors.borrow_mut().extend(later.errors.into_inner());
        fn first_holds<V>(
            into: &std::cell::RefCell<BTreeMap<String, V>>,
            from: BTreeMap<String, V>,
        ) {
            let mut into = into.borrow_mut();
            for (k, v) in from {
                into.entry(k).or_insert(v);
            }
        }
        first_holds(&self.svgs, later.svgs.into_inner());
        first_holds(&self.table_cache, later.table_cache.into_inner());
        first_holds(&self.search_tables, later.search_tables.into_inner());
        true
    }
}

impl Renderer<'_> {
    /// A figure id `table.row.col` as a reader names it: the table's
    /// number, the row's and the column's labels.
    fn figure_label(&self, fig: &str) -> String {
        let mut parts = fig.splitn(3, '.');
        let (Some(t), Some(row), Some(col)) = (parts.next(), parts.next(), parts.next()) else {
            return fig.to_string();
        };
        let Some(table) = self.computed.table(t) else {
            return fig.to_string();
        };
        let row = table.row(row).map_or(row, |r| r.label.as_str());
        let col = table.columns.iter().find(|c| c.id == col).map_or_else(
            || col.to_string(),
            |c| {
                if c.group.is_empty() {
                    c.label.clone()
                } else {
                    format!("{} {}", c.group, c.label)
                }
            },
        );
        format!("{} {row} {col}", self.registry.table_label(t))
    }

    /// The site page of the plan's section written in `file`.
    fn section_url_of_file(&self, file: &str) -> Option<String> {
        self.content
            .plan
            .value
            .chapters
            .iter()
            .flat_map(|c| &c.sections)
            .find(|s| s.file.as_deref() == Some(file))
            .and_then(|s| self.registry.sections.get(&s.id))
            .map(|a| a.page.clone())
    }

    fn narrative(&self, file: &str, mode: &LinkMode, shift: usize) -> String {
        let root = match mode {
            LinkMode::Site { root } => root.as_str(),
            LinkMode::Print => "",
        };
        self.narrative_at(file, mode, shift, root)
    }

    /// [`Renderer::narrative`] with the root of its files' links (CSV, SVG)
    /// given: `summary/print.html` reaches `tables/` through `../`.
    fn narrative_at(&self, file: &str, mode: &LinkMode, shift: usize, root: &str) -> String {
        let Some(n) = self.content.narratives.get(file) else {
            return String::new();
        };
        let ctx = MdContext {
            computed: self.computed,
            registry: &self.registry,
            mode,
            heading_shift: shift,
            csv: &self.csv,
            file,
            root,
        };
        let embed = |kind: EmbedKind, id: &str| -> String {
            match kind {
                EmbedKind::Table => self.table_html(id, root),
                EmbedKind::Chart => {
                    let html = self.figure_html(id, root);
                    let owner = format!("chart:{id}");
                    let prefix = format!("fig-{}", csvtables::id_part(id));
                    self.csv.link(&html, &owner, &prefix, root)
                }
                EmbedKind::Records => {
                    let html = self.records_html(id);
                    let owner = format!("records:{id}");
                    let prefix = format!("rec-{}", csvtables::id_part(id));
                    self.csv.link(&html, &owner, &prefix, root)
                }
                EmbedKind::Feedback => {
                    let html = self.feedback_html(id, mode);
                    let owner = format!("feedback:{id}");
                    let prefix = format!("fb-{}", csvtables::id_part(id));
                    self.csv.link(&html, &owner, &prefix, root)
                }
            }
        };
        markdown::render(n, &ctx, &embed)
    }

    fn table_html(&self, id: &str, root: &str) -> String {
        // A table appears in its page, the print document and maybe both
        // editions of the summary: rendered once per link root.
        let key = format!("{root}\u{0}{id}");
        if let Some(h) = self.table_cache.borrow().get(&key) {
            return h.clone();
        }
        let html = self.table_html_uncached(id, root);
        self.table_cache.borrow_mut().insert(key, html.clone());
        html
    }

    fn table_html_uncached(&self, id: &str, root: &str) -> String {
        let Some(t) = self.computed.table(id) else {
            return String::new();
        };
        let anchor = self
            .registry
            .tables
            .get(id)
            .map_or_else(|| anchor("tbl", id), |a| a.anchor.clone());
        let mut v = table::view(
            t,
            self.registry.table_label(id),
            anchor,
            format!("{root}{}", table_csv(id)),
        );
        if self.xlsx {
            v.xlsx = Some(format!("{root}{}", table_xlsx(id)));
        }
        // A source note may quote figures (`{{val KEY}}`) rather than type them.
        if let Some(src) = v.source.as_ref().filter(|s| s.contains("{{")) {
            let (html, plain) = markdown::quoted_line(self.computed, src);
            v.source = Some(plain);
            v.source_html = Some(html);
        }
        self.search_tables
            .borrow_mut()
            .entry(v.anchor.clone())
            .or_insert_with(|| SearchTable::of(&v));
        if !self.content.dir.join("templates/table.html").is_file() {
            return table::html(&v);
        }
        let mut ctx = Context::new();
        ctx.insert("t", &v);
        self.tera.render("table.html", &ctx).unwrap_or_else(|e| {
            self.errors.borrow_mut().push(format!("{e} (table `{id}`)"));
            String::new()
        })
    }

    /// A feedback table: each row's target and landing sections as linked
    /// outline references, the status tags, and the counts by status.
    fn feedback_html(&self, id: &str, mode: &LinkMode) -> String {
        let Some(f) = self.content.feedback.iter().find(|f| f.value.id == id) else {
            return String::new();
        };
        let f = &f.value;
        let part = |id: &str| -> serde_json::Value {
            let a = self.registry.sections.get(id);
            let number = a
                .and_then(|a| a.number.clone())
                .unwrap_or_else(|| id.to_string());
            // In print, once a first print has told them, the plan's page too.
            let page = match mode {
                LinkMode::Print => {
                    a.and_then(|a| self.pages.plan_page(&a.anchor, SlotKind::Feedback))
                }
                LinkMode::Site { .. } => None,
            };
            serde_json::json!({
                "number": number,
                "title": a.map(|a| a.title.clone()).unwrap_or_default(),
                "href": a.map(|a| mode.href(&a.page, &a.anchor)).unwrap_or_default(),
                "page": page,
            })
        };
        let mut counts: BTreeMap<crate::model::feedback::Status, usize> = BTreeMap::new();
        let rows: Vec<serde_json::Value> = f
            .items
            .iter()
            .map(|it| {
                let responses: Vec<serde_json::Value> = it
                    .responses
                    .iter()
                    .map(|r| {
                        if let Some(s) = r.status {
                            *counts.entry(s).or_default() += 1;
                        }
                        serde_json::json!({
                            "status": r.status.map(|s| s.label()),
                            "text": markdown::inline_html(&r.text),
                            "sections": r.sections.iter().map(|s| part(s)).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let mut landed: Vec<&str> = it.responses.iter().flat_map(|r| r.sections.iter().map(String::as_str)).collect();
                landed.sort_unstable();
                landed.dedup();
                let chapter = self
                    .content
                    .plan
                    .value
                    .chapters
                    .iter()
                    .find(|c| c.id == it.target || c.sections.iter().any(|s| s.id == it.target))
                    .map(|c| c.id.clone())
                    .unwrap_or_default();
                serde_json::json!({
                    "chapter": part(&chapter),
                    "target": if it.target == chapter { serde_json::Value::Null } else { part(&it.target) },
                    "label": it.label,
                    "opinions": it.opinions.iter().map(|o| markdown::inline_html(o)).collect::<Vec<_>>(),
                    "responses": responses,
                    "landed": landed.iter().map(|s| part(s)).collect::<Vec<_>>(),
                    "printed_pages": it.printed_pages,
                })
            })
            .collect();
        let counts: Vec<(&str, usize)> = crate::model::feedback::Status::ALL
            .iter()
            .filter_map(|s| counts.get(s).map(|n| (s.label(), *n)))
            .collect();
        let mut ctx = Context::new();
        ctx.insert(
            "f",
            &serde_json::json!({
                "id": f.id, "title": f.title, "region": f.region, "columns": f.columns,
                "rows": rows, "counts": counts,
                "total": counts.iter().map(|(_, n)| n).sum::<usize>(),
            }),
        );
        self.tera.render("feedback.html", &ctx).unwrap_or_else(|e| {
            self.errors
                .borrow_mut()
                .push(format!("{e} (feedback `{id}`)"));
            String::new()
        })
    }

    /// The 컨설팅 반영 mark for a section that a 수정 반영 response points to.
    fn consult_mark(&self, section: &str) -> &'static str {
        let marked = self.content.feedback.iter().any(|f| {
            f.value.items.iter().any(|it| {
                it.responses.iter().any(|r| {
                    r.status.is_some_and(|s| s.marks_section())
                        && r.sections.iter().any(|x| x == section)
                })
            })
        });
        if marked {
            " <span class=\"mark-consult\">컨설팅 반영</span>"
        } else {
            ""
        }
    }

    fn svg(&self, c: &crate::model::chart::ChartData) -> String {
        if let Some(s) = self.svgs.borrow().get(&c.id) {
            return s.clone();
        }
        let svg = crate::chart::render_svg(c).unwrap_or_else(|e| {
            self.errors
                .borrow_mut()
                .push(format!("chart {}: {e}", c.id));
            String::new()
        });
        self.svgs.borrow_mut().insert(c.id.clone(), svg.clone());
        svg
    }

    /// A record collection, or one record (`collection/item`), through the
    /// collection's template.
    fn records_html(&self, id: &str) -> String {
        let (coll, item) = id.split_once('/').map_or((id, None), |(c, i)| (c, Some(i)));
        let Some(r) = self.content.records.iter().find(|r| r.value.id == coll) else {
            return String::new();
        };
        let name = format!("records/{}.html", r.value.template);
        let items: Vec<&crate::model::dataset::Record> = r
            .value
            .items
            .iter()
            .filter(|x| {
                item.is_none_or(|i| crate::model::dataset::RecordsFile::item_id(x) == Some(i))
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("title", &r.value.title);
        ctx.insert("items", &items);
        ctx.insert("r", &items.first());
        self.tera.render(&name, &ctx).unwrap_or_else(|e| {
            self.errors
                .borrow_mut()
                .push(format!("{e} (records `{id}`)"));
            String::new()
        })
    }

    fn figure_html(&self, id: &str, root: &str) -> String {
        let Some(c) = self.computed.chart(id) else {
            return String::new();
        };
        let svg = self.svg(c);
        let tables: Vec<Link> = c
            .tables
            .iter()
            .filter_map(|t| self.computed.table(t))
            .map(|t| Link {
                title: t.title.clone(),
                url: format!("{root}{}", table_csv(&t.id)),
            })
            .collect();
        #[derive(Serialize)]
        struct Fig<'a> {
            anchor: String,
            label: String,
            title: &'a str,
            svg: String,
            tables: Vec<CsvLink>,
            /// CSS px below which the chart's labels would be under 10 px.
            min_width: Option<u32>,
            /// The chart's data as a table: header cells and rows.
            head: Vec<String>,
            rows: Vec<Vec<String>>,
        }
        #[derive(Serialize)]
        struct CsvLink {
            title: String,
            csv: String,
        }
        let (head, rows) = crate::chart::data_table(c);
        let f = Fig {
            min_width: crate::chart::readable_width(&svg),
            head,
            rows,
            anchor: self
                .registry
                .figures
                .get(id)
                .map_or_else(|| anchor("fig", id), |a| a.anchor.clone()),
            label: self.registry.figure_label(id),
            title: &c.title,
            svg,
            tables: tables
                .into_iter()
                .map(|l| CsvLink {
                    title: l.title,
                    csv: l.url,
                })
                .collect(),
        };
        let mut ctx = Context::new();
        ctx.insert("f", &f);
        self.tera
            .render("figure.html", &ctx)
            .unwrap_or_else(|e| format!("<!-- {} -->", escape(&e)))
    }

    /// The body of a section: its own narrative, then each numbered item.
    fn section_body(&self, s: &Section, mode: &LinkMode, print: bool) -> String {
        let shift = usize::from(print);
        let item_h = if print { "h3" } else { "h2" };
        let mut body = String::new();
        if let Some(f) = &s.file {
            body.push_str(&self.narrative(f, mode, shift));
        }
        for it in &s.items {
            body.push_str(&format!(
                "<{item_h} id=\"{}\" class=\"item\">{}. {}</{item_h}>\n",
                html_attr(&item_anchor(&s.id, &it.no)),
                escape(&it.no),
                escape(&it.title)
            ));
            match &it.file {
                Some(f) => body.push_str(&self.narrative(f, mode, shift)),
                None => body.push_str(PENDING),
            }
        }
        if s.file.is_none() && s.items.is_empty() {
            body.push_str(PENDING);
        }
        body
    }

    fn nav(&self) -> Nav {
        let p = &self.content.plan.value;
        let leaf = |prefix: &str, l: &crate::model::outline::Leaf| NavEntry {
            number: String::new(),
            title: l.title.clone(),
            url: leaf_url(prefix, &l.id),
            anchor: anchor(prefix, &l.id),
            pending: l.file.is_none(),
            ..Default::default()
        };
        Nav {
            front: p
                .front
                .iter()
                .filter(|f| f.id != "cover")
                .map(|f| leaf("front", f))
                .collect(),
            attachments: p
                .attachments
                .iter()
                .map(|a| leaf("attachments", a))
                .collect(),
            chapters: p
                .chapters
                .iter()
                .map(|c| NavEntry {
                    number: roman_display(&c.id),
                    title: c.title.clone(),
                    url: chapter_url(&c.id),
                    anchor: section_anchor(&c.id),
                    pending: false,
                    items: Vec::new(),
                    sections: c
                        .sections
                        .iter()
                        .map(|s| {
                            let url = section_url(&c.id, &s.id);
                            NavEntry {
                                number: roman_display(&s.id),
                                title: s.title.clone(),
                                url: url.clone(),
                                anchor: section_anchor(&s.id),
                                pending: s.file.is_none()
                                    && (s.items.is_empty()
                                        || s.items.iter().all(|i| i.file.is_none())),
                                sections: Vec::new(),
                                items: s
                                    .items
                                    .iter()
                                    .map(|i| NavEntry {
                                        number: i.no.clone(),
                                        title: i.title.clone(),
                                        url: format!("{url}#{}", item_anchor(&s.id, &i.no)),
                                        anchor: item_anchor(&s.id, &i.no),
                                        pending: i.file.is_none(),
                                        ..Default::default()
                                    })
                                    .collect(),
                            }
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

struct Page {
    url: String,
    title: String,
    body: String,
    breadcrumbs: Vec<Link>,
}

/// The errata page (정오표): every published figure the pages show with a
/// mark, where it is (table number, row, column; or the sentence's file and
/// line), the figure shown and the other one. None when there is nothing to
/// list.
fn errata_page(r: &Renderer) -> Option<Page> {
    let mode = LinkMode::Site {
        root: String::new(),
    };
    Some(Page {
        url: "errata.html".into(),
        title: "정오표".into(),
        body: errata_body(r, &mode)?,
        breadcrumbs: Vec::new(),
    })
}

/// The errata list for the site (links to the pages) or the print document
/// (anchors, and the page of the section holding each figure once a first
/// print has told it).
fn errata_body(r: &Renderer, mode: &LinkMode) -> Option<String> {
    use std::fmt::Write as _;
    let in_print = matches!(mode, LinkMode::Print);
    // The printed page of the section a table or sentence sits in.
    let page_of_url = |url: &str| -> String {
        if !in_print {
            return String::new();
        }
        let page = r
            .registry
            .sections
            .values()
            .find(|a| a.page == url)
            .and_then(|a| r.pages.plan_page(&a.anchor, SlotKind::Toc))
            .unwrap_or_default();
        format!("<td>{page}</td>")
    };
    let published = r.computed.edition == crate::publish::Edition::Published;
    // Where a figure's disagreement comes from: its root, or how many
    // follow from it, and the author's reason for an accepted one.
    let remark = |key: &str| -> String {
        let Some(a) = r.computed.audit.get(key) else {
            return String::new();
        };
        let mut parts = Vec::new();
        if let Some(root) = &a.root {
            parts.push(format!("{}에 따름", r.figure_label(root)));
        } else if a.dependents > 0 {
            parts.push(format!("원인 수치(이에 따른 수치 {}건)", a.dependents));
        }
        if let Some(reason) = &a.reason {
            parts.push(format!("확인됨: {reason}"));
        }
        parts.join("; ")
    };
    let mut rows = String::new();
    let mut n = 0usize;
    for t in &r.computed.tables {
        for (&(ri, ci), e) in &t.errata {
            let (Some(row), Some(col)) = (t.rows.get(ri), t.columns.get(ci)) else {
                continue;
            };
            let shown = row
                .cells
                .get(ci)
                .map(crate::numfmt::format_cell)
                .unwrap_or_default();
            let column = if col.group.is_empty() {
                col.label.clone()
            } else {
                format!("{} {}", col.group, col.label)
            };
            n += 1;
            let page = r
                .registry
                .tables
                .get(&t.id)
                .map_or_else(|| page_of_url(""), |a| page_of_url(&a.page));
            let _ = writeln!(
                rows,
                "<tr id=\"{}e-{}\"><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td>{page}</tr>",
                if in_print { "p-" } else { "" },
                escape::token(&format!("{}-{}-{}", t.id, row.id, col.id)),
                r.registry.ref_html(&t.id, mode),
                escape(&if row.path.is_empty() {
                    row.label.clone()
                } else {
                    format!("{} > {}", row.path.join(" > "), row.label)
                }),
                escape(&column),
                escape(&shown),
                escape(&e.other),
                escape(&remark(&format!("{}.{}.{}", t.id, row.id, col.id))),
            );
        }
    }
    for (file, narrative) in &r.content.narratives {
        for p in narrative.pieces() {
            let crate::load::narrative::Piece::Val {
                key,
                printed: Some(printed),
                line,
                ..
            } = p
            else {
                continue;
            };
            if crate::publish::quoted_consistent(r.computed, key, printed) != Some(false) {
                continue;
            }
            let value = r
                .computed
                .values
                .get(key)
                .map(|v| crate::numfmt::format_num(v.value, v.format))
                .unwrap_or_default();
            let (shown, other) = if published {
                (printed.clone(), value)
            } else {
                (value, printed.clone())
            };
            n += 1;
            let _ = writeln!(
                rows,
                "<tr><td class=\"text\">문장</td><td class=\"text\">{}</td><td class=\"text\">{}행</td><td>{}</td><td>{}</td><td class=\"text\">{}</td>{}</tr>",
                escape(file),
                line,
                escape(&shown),
                escape(&other),
                escape(&remark(&format!("{key}@{line}"))),
                page_of_url(&r.section_url_of_file(file).unwrap_or_default()),
            );
        }
    }
    if n == 0 {
        return None;
    }
    let (shown_head, other_head, lead) = if published {
        (
            "발간본 수치(표시)",
            "계산값",
            "발간본에 인쇄된 수치 가운데 그 입력값으로는 나올 수 없는 수치입니다. 본문과 표는 발간본의 수치를 그대로 싣고 ※ 표시를 붙였습니다.",
        )
    } else {
        (
            "계산값(표시)",
            "발간본 수치",
            "이 판은 입력값으로 계산한 수치를 싣습니다. 아래 수치는 발간본에 인쇄된 수치와 다르며, 본문과 표에 ※ 표시를 붙였습니다.",
        )
    };
    let (id, page_head) = if in_print {
        ("errata-list", "<th scope=\"col\">쪽</th>")
    } else {
        ("errata", "")
    };
    let body = format!(
        "<h1>정오표</h1>\n<p>{lead} ({n}건)</p>\n<figure class=\"table\" id=\"{id}\"><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"정오표\"><table class=\"data\">\n<thead><tr><th scope=\"col\">표</th><th scope=\"col\" class=\"label\">행</th><th scope=\"col\">열</th><th scope=\"col\">{shown_head}</th><th scope=\"col\">{other_head}</th><th scope=\"col\">비고</th>{page_head}</tr></thead>\n<tbody>\n{rows}</tbody></table></div></figure>"
    );
    // Both lists sit at the root, beside tables/; the print one has its own
    // CSV (it has a page column).
    let name = if in_print { "errata-print" } else { "errata" };
    Some(r.csv.link(&body, name, name, ""))
}

/// Renders the whole output tree.
pub fn render(content: &Content, computed: &Computed) -> Result<Vec<OutFile>, String> {
    render_with_pages(content, computed, &Pages::default())
}

/// Renders with known page numbers for the print documents' contents and references.
pub fn render_with_pages(
    content: &Content,
    computed: &Computed,
    pages: &Pages,
) -> Result<Vec<OutFile>, String> {
    render_with_options(content, computed, pages, RenderOptions::default())
}

/// Renders with the optional outputs of `opts`.
pub fn render_with_options(
    content: &Content,
    computed: &Computed,
    pages: &Pages,
    opts: RenderOptions,
) -> Result<Vec<OutFile>, String> {
    render_with_cache(content, computed, pages, opts, None)
}

/// [`render_with_options`] for `serve`, which keeps the workbooks of its
/// previous rebuild in `xlsx_cache`: one whose table and number are
/// unchanged is not compressed again.
pub fn render_with_cache(
    content: &Content,
    computed: &Computed,
    pages: &Pages,
    opts: RenderOptions,
    xlsx_cache: Option<&XlsxCache>,
) -> Result<Vec<OutFile>, String> {
    // PLANBOOK_TIMING=1: each stage of the render on stderr.
    let stages = crate::timing::Stages::new("render");
    let lap = |stage: &str| stages.lap(stage);
    let tera = templates::load(&content.dir)?;
    lap("templates");
    let titles = |it: &mut dyn Iterator<Item = (String, String)>| it.collect::<BTreeMap<_, _>>();
    let table_titles = titles(
        &mut computed
            .tables
            .iter()
            .map(|t| (t.id.clone(), t.title.clone())),
    );
    let chart_titles = titles(
        &mut computed
            .charts
            .iter()
            .map(|c| (c.id.clone(), c.title.clone())),
    );
    let r = Renderer {
        content,
        computed,
        registry: Registry::build(content, &table_titles, &chart_titles),
        tera,
        errors: Default::default(),
        svgs: Default::default(),
        pages: pages.clone(),
        search: Default::default(),
        table_cache: Default::default(),
        search_tables: Default::default(),
        xlsx: opts.xlsx,
        csv: csvtables::CsvTables::new(computed.tables.iter().map(|t| t.id.as_str()), opts.xlsx),
        base_url: opts
            .base_url
            .clone()
            .or_else(|| content.plan.value.edition.base_url.clone()),
    };
    let plan = &content.plan.value;
    let nav = r.nav();
    lap("registry and nav");
    let mut files = Vec::new();
    let jobs = page_jobs(plan, &nav);
    // The pages of the plan's second half on a forked renderer on the other
    // core, taken back after the first half's as if rendered after them;
    // rendered again here, in order, when that would change a table's id.
    let half = halfway(&jobs, content);
    let (first, second) = jobs.split_at(half);
    let (later_r, at) = r.fork();
    let (pages, later) = std::thread::scope(|s| {
        let later = s.spawn(move || {
            let pages: Result<Vec<Page>, String> =
                second.iter().map(|j| page_of(&later_r, j)).collect();
            (later_r, pages)
        });
        let pages: Result<Vec<Page>, String> = first.iter().map(|j| page_of(&r, j)).collect();
        (pages, later.join())
    });
    let joined = match later {
        Ok((later_r, p)) => r.join(later_r, at).then_some(p),
        Err(_) => None,
    };
    let forked = joined.is_some();
    let later = match joined {
        Some(p) => p,
        None => second.iter().map(|j| page_of(&r, j)).collect(),
    };
    // The first error in page order, as one thread would meet it.
    let mut pages = pages?;
    pages.extend(later?);

    lap(if forked {
        "section pages (joined)"
    } else {
        "section pages (second half rendered again)"
    });
    // index.html: cover and contents.
    let index = index_page(&r, &nav, "", "표지 및 목차")?;
    let all: Vec<&Page> = std::iter::once(&index).chain(pages.iter()).collect();
    files.extend(wrap_pages(&r, &nav, &all, "print.html")?);
    lap("site pages");
    // The print document on the other core while the summary edition and
    // the last site pages render here: it needs the site's tables (their
    // CSV ids), and nothing after it reads what it adds.
    let (print_r, at) = r.fork();
    let (rest, printed) = std::thread::scope(|s| {
        let nav = &nav;
        let printed = s.spawn(move || {
            let file = print_document(&print_r, nav);
            (print_r, file)
        });
        (last_site_pages(&r, nav, &lap), printed.join())
    });
    files.extend(rest?);
    let joined = match printed {
        Ok((print_r, file)) => r.join(print_r, at).then_some(file),
        Err(_) => None,
    };
    let forked = joined.is_some();
    let print = match joined {
        Some(file) => file?,
        // A table id the serial order would give otherwise: rendered again
        // here, after the rest.
        None => print_document(&r, &nav)?,
    };
    files.push(print);
    files.push(toc::script(&nav, "assets/toc.js")?);
    lap(if forked {
        "print document and toc (joined)"
    } else {
        "print document and toc (rendered again)"
    });
    if let Some(e) = r.errors.borrow().first() {
        return Err(e.clone());
    }
    if let Some(e) = r.csv.errors().first() {
        return Err(e.clone());
    }
    files.extend(r.csv.files()?);

    lap("csv of narrative tables");
    more_files(&r, computed, opts, xlsx_cache, files, &lap)
}

/// The summary edition, the search and 404 pages, the errata page and the
/// search index: the site pages rendered after the plan's own.
fn last_site_pages(r: &Renderer, nav: &Nav, lap: &dyn Fn(&str)) -> Result<Vec<OutFile>, String> {
    let mut files = summary_edition(r, nav)?;
    lap("summary edition");
    let search_page = Page {
        url: "search.html".into(),
        title: "검색".into(),
        body: r.tera.render("search.html", &Context::new())?,
        breadcrumbs: Vec::new(),
    };
    files.extend(wrap_pages(r, nav, &[&search_page], "print.html")?);
    let missing = Page {
        url: "404.html".into(),
        title: "찾을 수 없는 쪽".into(),
        body: "<h1>찾을 수 없는 쪽</h1>\n<p>찾는 쪽이 이 사이트에 없습니다. 주소를 확인하거나 <a href=\"index.html\">표지 및 목차</a>에서, 또는 <a href=\"search.html\">검색</a>으로 찾아 주십시오.</p>\n".into(),
        breadcrumbs: Vec::new(),
    };
    files.extend(wrap_pages(r, nav, &[&missing], "print.html")?);
    if let Some(errata) = errata_page(r) {
        files.extend(wrap_pages(r, nav, &[&errata], "print.html")?);
    }
    lap("search and 404 pages");
    // The index is a script, not JSON: pages opened from file:// cannot fetch().
    let docs = r.search.borrow();
    let data = json_in_script(&serde_json::to_string(&*docs).map_err(|e| e.to_string())?);
    files.push(OutFile {
        path: "assets/search-data.js".into(),
        bytes: format!("window.PLANBOOK_SEARCH={data};\n").into_bytes(),
    });

    lap("search index");
    Ok(files)
}

/// The tables' CSV and workbooks, the charts' SVG, the theme's assets and
/// the sitemap; all files sorted by path.
fn more_files(
    r: &Renderer,
    computed: &Computed,
    opts: RenderOptions,
    xlsx_cache: Option<&XlsxCache>,
    mut files: Vec<OutFile>,
    lap: &dyn Fn(&str),
) -> Result<Vec<OutFile>, String> {
    for t in &computed.tables {
        files.push(OutFile {
            path: table_csv(&t.id),
            bytes: table::csv(t),
        });
    }
    if opts.xlsx {
        let mut kept = std::collections::HashMap::new();
        for t in &computed.tables {
            let quoted;
            let t = match t.source.as_ref().filter(|s| s.contains("{{")) {
                Some(src) => {
                    quoted = crate::model::table::Table {
                        source: Some(markdown::quoted_line(computed, src).1),
                        ..t.clone()
                    };
                    &quoted
                }
                None => t,
            };
            let label = r.registry.table_label(&t.id);
            let key = xlsx_cache.map(|_| xlsx_key(&label, t));
            let cached = xlsx_cache
                .zip(key.as_ref())
                .and_then(|(c, k)| c.lock().unwrap_or_else(|e| e.into_inner()).get(k).cloned());
            let bytes = match cached {
                Some(b) => b,
                None => xlsx::table_xlsx(t, &label)
                    .map_err(|e| format!("table `{}` as a spreadsheet: {e}", t.id))?,
            };
            if let Some(k) = key {
                kept.insert(k, bytes.clone());
            }
            files.push(OutFile {
                path: table_xlsx(&t.id),
                bytes,
            });
        }
        if let Some(c) = xlsx_cache {
            *c.lock().unwrap_or_else(|e| e.into_inner()) = kept;
        }
    }
    lap("table csv and xlsx");
    for c in &computed.charts {
        let svg = r.svg(c);
        files.push(OutFile {
            path: chart_svg(&c.id),
            bytes: standalone_svg(&svg).into_bytes(),
        });
    }
    lap("chart svgs");
    let assets = templates::assets(&files, &opts.previous_fonts)?;
    files.extend(assets);
    lap("assets and fonts");
    files.push(OutFile {
        path: ".gitkeep".into(),
        bytes: Vec::new(),
    });
    if let Some(base) = &r.base_url {
        let pages: Vec<&str> = files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| p.ends_with(".html") && *p != "404.html" && *p != "search.html")
            .collect();
        let map = share::sitemap(base, &pages);
        files.push(map);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What a table's workbook is made of (`xlsx::table_xlsx` reads these
/// fields and no other), as the key of `serve`'s workbook cache: formatted
/// in full, a table's ranges were most of the cost of the key.
fn xlsx_key(label: &str, t: &crate::model::table::Table) -> String {
    format!(
        "{label}\0{:?}\0{:?}\0{:?}\0{:?}\0{:?}\0{:?}\0{:?}",
        t.id, t.title, t.unit, t.source, t.label_header, t.columns, t.rows
    )
}

/// A page of the plan's own: front page, chapter, section or attachment.
enum PageJob<'p> {
    /// A front page or an attachment.
    Leaf(&'p crate::model::outline::Leaf, &'p NavEntry),
    Chapter(&'p crate::model::outline::Chapter, &'p NavEntry),
    Section(&'p crate::model::outline::Section, &'p NavEntry, Link),
}

/// The plan's own pages in their order: front pages, each chapter then its
/// sections, attachments.
fn page_jobs<'p>(plan: &'p crate::model::outline::PlanFile, nav: &'p Nav) -> Vec<PageJob<'p>> {
    let mut jobs = Vec::new();
    for (f, e) in plan
        .front
        .iter()
        .filter(|f| f.id != "cover")
        .zip(&nav.front)
    {
        jobs.push(PageJob::Leaf(f, e));
    }
    for (c, ce) in plan.chapters.iter().zip(&nav.chapters) {
        jobs.push(PageJob::Chapter(c, ce));
        for (s, se) in c.sections.iter().zip(&ce.sections) {
            let up = Link {
                title: format!("{}. {}", ce.number, c.title),
                url: ce.url.clone(),
            };
            jobs.push(PageJob::Section(s, se, up));
        }
    }
    for (a, e) in plan.attachments.iter().zip(&nav.attachments) {
        jobs.push(PageJob::Leaf(a, e));
    }
    jobs
}

/// Where the pages split into two halves of about the same narrative text.
fn halfway(jobs: &[PageJob], content: &Content) -> usize {
    let len = |f: &Option<String>| {
        f.as_ref()
            .and_then(|f| content.narratives.get(f))
            .map_or(0, |n| n.src.len())
    };
    let size = |j: &PageJob| match j {
        PageJob::Leaf(f, _) => len(&f.file),
        PageJob::Chapter(c, _) => len(&c.file),
        PageJob::Section(s, _, _) => {
            len(&s.file) + s.items.iter().map(|i| len(&i.file)).sum::<usize>()
        }
    };
    let total: usize = jobs.iter().map(size).sum();
    let mut run = 0;
    for (i, j) in jobs.iter().enumerate() {
        if run * 2 >= total {
            return i;
        }
        run += size(j);
    }
    jobs.len()
}

/// One page of the plan's own, rendered.
fn page_of(r: &Renderer, job: &PageJob) -> Result<Page, String> {
    let site = |url: &str| LinkMode::Site {
        root: depth_root(url),
    };
    Ok(match job {
        PageJob::Leaf(f, entry) => {
            let body = f.file.as_ref().map_or_else(
                || PENDING.to_string(),
                |file| r.narrative(file, &site(&entry.url), 0),
            );
            Page {
                url: entry.url.clone(),
                title: f.title.clone(),
                body: format!("<h1>{}</h1>\n{body}", escape(&f.title)),
                breadcrumbs: Vec::new(),
            }
        }
        PageJob::Chapter(c, centry) => {
            let intro = c
                .file
                .as_ref()
                .map(|f| r.narrative(f, &site(&centry.url), 0))
                .unwrap_or_default();
            let mut ctx = Context::new();
            ctx.insert("root", &depth_root(&centry.url));
            ctx.insert(
                "chapter",
                &serde_json::json!({
                    "number": centry.number, "title": centry.title, "anchor": centry.anchor,
                    "sections": centry.sections, "intro": intro,
                }),
            );
            Page {
                url: centry.url.clone(),
                title: format!("{}. {}", centry.number, c.title),
                body: r.tera.render("chapter.html", &ctx)?,
                breadcrumbs: Vec::new(),
            }
        }
        PageJob::Section(s, sentry, up) => {
            let body = format!(
                "<h1 id=\"{}\">{} {}{}</h1>\n{}",
                html_attr(&sentry.anchor),
                escape(&sentry.number),
                escape(&s.title),
                r.consult_mark(&s.id),
                r.section_body(s, &site(&sentry.url), false)
            );
            Page {
                url: sentry.url.clone(),
                title: format!("{} {}", sentry.number, s.title),
                body,
                breadcrumbs: vec![up.clone()],
            }
        }
    })
}

/// One searchable block: a page part under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct SearchDoc {
    /// Root-relative URL with the heading's anchor.
    u: String,
    /// Page title › heading.
    t: String,
    /// The block's plain text, without its data tables' cells.
    x: String,
    /// Its data tables, cell by cell, so that a hit shows its row and column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    c: Vec<SearchTable>,
}

/// A data table as the search sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchTable {
    /// The anchor of the table in its page.
    a: String,
    /// Number and title: ‹표 Ⅷ-1› …
    n: String,
    /// The column headers (a group and its column joined by " › ").
    h: Vec<String>,
    /// Each row: its label, then its cells' text.
    r: Vec<Vec<String>>,
}

impl SearchTable {
    fn of(v: &table::TableView) -> SearchTable {
        let mut h = Vec::with_capacity(v.columns.len());
        let mut col = v.columns.iter();
        for (label, span, both) in &v.groups {
            for _ in 0..*span {
                let lower = col.next().and_then(|c| c.as_deref());
                h.push(match lower {
                    Some(c) if !both => format!("{label} › {c}"),
                    _ => label.clone(),
                });
            }
        }
        let r = v
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![row.label.clone()];
                if row.kind != "heading" {
                    cells.extend(row.cells.iter().map(|c| c.text.clone()));
                }
                cells
            })
            .collect();
        SearchTable {
            a: v.anchor.clone(),
            n: format!("{} {}", v.label, v.title),
            h,
            r,
        }
    }
}

/// Splits a finished page into search blocks at its headings.
fn search_docs(
    url: &str,
    title: &str,
    html: &str,
    heads: &[page::Heading],
    tables: &BTreeMap<String, SearchTable>,
) -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    // The headings come in page order: each is looked for after the one
    // before (from the start only if it is not there), so that a page of n
    // headings is read once, not n times.
    let mut from = 0;
    let mut cuts: Vec<(usize, &page::Heading)> = heads
        .iter()
        .filter_map(|h| {
            let id = format!("id=\"{}\"", html_attr(&h.id));
            let at = html
                .get(from..)
                .and_then(|rest| rest.find(&id))
                .map(|at| at + from)
                .or_else(|| html.find(&id))?;
            from = at;
            Some((html[..at].rfind("<h").unwrap_or(at), h))
        })
        .collect();
    cuts.sort_by_key(|(at, _)| *at);
    let mut bounds: Vec<(usize, Option<&page::Heading>)> = vec![(0, None)];
    bounds.extend(cuts.into_iter().map(|(a, h)| (a, Some(h))));
    for (i, (start, h)) in bounds.iter().enumerate() {
        let end = bounds.get(i + 1).map_or(html.len(), |b| b.0);
        let (text, c) = block_text(&html[*start..end], tables);
        if text.is_empty() && c.is_empty() {
            continue;
        }
        docs.push(SearchDoc {
            // The reader's script puts this into a link.
            u: safe_url(&match h {
                Some(h) => format!("{url}#{}", h.id),
                None => url.to_string(),
            })
            .into_owned(),
            t: match h {
                Some(h) if h.level > 1 => format!("{title} › {}", h.text),
                _ => title.to_string(),
            },
            x: text,
            c,
        });
    }
    docs
}

/// A block's text without the cells of the data tables it holds (their
/// captions, units and sources stay), and those tables.
fn block_text(html: &str, tables: &BTreeMap<String, SearchTable>) -> (String, Vec<SearchTable>) {
    const FIG: &str = "<figure class=\"table\" id=\"";
    const BOX: &str = "<div class=\"table-scroll\"";
    const END: &str = "</table>\n</div>";
    let mut kept = String::with_capacity(html.len());
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(FIG) {
        let after = &rest[at + FIG.len()..];
        let id = after.split('"').next().unwrap_or_default();
        let cut = tables.get(id).and_then(|t| {
            let b = after.find(BOX)?;
            let e = after[b..].find(END)? + b + END.len();
            Some((t, b, e))
        });
        match cut {
            Some((t, b, e)) => {
                kept.push_str(&rest[..at + FIG.len() + b]);
                found.push(t.clone());
                rest = &after[e..];
            }
            None => {
                kept.push_str(&rest[..at + FIG.len()]);
                rest = after;
            }
        }
    }
    kept.push_str(rest);
    let kept = typed_tables(&kept, &mut found);
    (page::text_of(&kept), found)
}

/// The tables typed in the narrative whose cells are a plain grid (no merged
/// cells), cut out of `html` into `found` as data tables are; the others
/// stay text.
fn typed_tables(html: &str, found: &mut Vec<SearchTable>) -> String {
    let mut kept = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<table") {
        let Some(len) = rest[at..].find("</table>") else {
            break;
        };
        let table = &rest[at..at + len];
        let grid = !table.contains("colspan") && !table.contains("rowspan");
        match grid.then(|| typed_table(table, &kept)).flatten() {
            Some(t) => {
                kept.push_str(&rest[..at]);
                found.push(t);
            }
            None => kept.push_str(&rest[..at + len]),
        }
        rest = &rest[at + len..];
    }
    kept.push_str(rest);
    kept
}

/// One plain-grid table: the header row's cells, then each row's cells; the
/// caption is the table number typed before it (`<표 Ⅱ-1> …`), if any.
fn typed_table(table: &str, before: &str) -> Option<SearchTable> {
    let mut rows: Vec<(bool, Vec<String>)> = Vec::new();
    for tr in table.split("<tr").skip(1) {
        let mut cells = Vec::new();
        let mut head = true;
        let mut rest = tr;
        while let Some(at) = rest.find("<t") {
            let kind = rest[at + 2..].chars().next();
            let after = &rest[at + 2..];
            let open = after.find('>')?;
            let body = &after[open + 1..];
            let close = body.find("</t").unwrap_or(body.len());
            if matches!(kind, Some('h') | Some('d')) {
                head &= kind == Some('h');
                cells.push(page::text_of(&body[..close]));
            }
            rest = &body[close..];
            if rest.len() > 2 {
                rest = &rest[3..];
            }
        }
        if !cells.is_empty() {
            rows.push((head, cells));
        }
    }
    let (first_head, header) = rows.first()?.clone();
    if !first_head || rows.len() < 2 {
        return None;
    }
    let mut from = before.len().saturating_sub(600);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let tail = before.get(from..).unwrap_or_default();
    let caption = tail
        .rfind("&lt;표")
        .map(|i| page::text_of(tail[i..].split('<').next().unwrap_or_default()))
        .unwrap_or_default();
    Some(SearchTable {
        a: String::new(),
        n: caption,
        h: header.into_iter().skip(1).collect(),
        r: rows.into_iter().skip(1).map(|(_, c)| c).collect(),
    })
}

/// An edition's cover and contents: the site's (`dir` "") or the summary's
/// (`dir` "summary/").
fn index_page<T: Serialize>(r: &Renderer, nav: &T, dir: &str, title: &str) -> Result<Page, String> {
    let mut ctx = Context::new();
    ctx.insert("edition", &r.content.plan.value.edition);
    ctx.insert("nav", nav);
    ctx.insert("root", if dir.is_empty() { "" } else { "../" });
    if !dir.is_empty() {
        ctx.insert("summary", &true);
    }
    let body = r.tera.render("index.html", &ctx)?;
    Ok(Page {
        url: format!("{dir}index.html"),
        title: title.into(),
        body,
        breadcrumbs: Vec::new(),
    })
}

/// Pages in the site layout, with previous/next links in the given order.
fn wrap_pages(
    r: &Renderer,
    nav: &Nav,
    pages: &[&Page],
    print_url: &str,
) -> Result<Vec<OutFile>, String> {
    let search_tables = r.search_tables.borrow();
    let w = Wrap {
        content: r.content,
        tera: &r.tera,
        base_url: r.base_url.as_deref(),
        custom_base: r.content.dir.join("templates/base.html").is_file(),
        search_tables: &search_tables,
        nav,
        pages,
        print_url,
    };
    // Each page is wrapped on its own: half of them on each core, taken
    // back in order (the search blocks too).
    let n = pages.len();
    let wrapped: Vec<Result<(OutFile, Vec<SearchDoc>), String>> = if n < 8 {
        (0..n).map(|i| w.page(i)).collect()
    } else {
        std::thread::scope(|s| {
            let w = &w;
            let second = s.spawn(move || (n / 2..n).map(|i| w.page(i)).collect::<Vec<_>>());
            let mut first: Vec<_> = (0..n / 2).map(|i| w.page(i)).collect();
            match second.join() {
                Ok(v) => first.extend(v),
                Err(_) => first.push(Err("a thread wrapping pages panicked".into())),
            }
            first
        })
    };
    drop(search_tables);
    let mut files = Vec::with_capacity(n);
    let mut search = r.search.borrow_mut();
    for x in wrapped {
        let (file, docs) = x?;
        search.extend(docs);
        files.push(file);
    }
    Ok(files)
}

/// What wrapping a page in the theme's layout reads: nothing it writes.
struct Wrap<'a> {
    content: &'a Content,
    tera: &'a templates::Theme,
    base_url: Option<&'a str>,
    custom_base: bool,
    search_tables: &'a BTreeMap<String, SearchTable>,
    nav: &'a Nav,
    pages: &'a [&'a Page],
    print_url: &'a str,
}

impl Wrap<'_> {
    /// Page `i` in the layout, and its search blocks.
    fn page(&self, i: usize) -> Result<(OutFile, Vec<SearchDoc>), String> {
        let plan = &self.content.plan.value;
        let pages = self.pages;
        let Some(p) = pages.get(i) else {
            return Err(format!("no page {i} to wrap"));
        };
        let link = |q: &Page| Link {
            title: q.title.clone(),
            url: q.url.clone(),
        };
        // Headings that never skip a level, ids on all of them, the page's contents.
        let (mut body, heads) = page::finish(&p.body);
        // A cover shows its own contents: no per-page box between its title and date.
        let cover = p.url == "index.html" || p.url == "summary/index.html";
        let toc = if cover {
            String::new()
        } else {
            page::contents(&heads)
        };
        if let Some(at) = body.find("</h1>") {
            body.insert_str(at + 5, &format!("\n{toc}"));
        }
        let docs = if p.url != "404.html" {
            search_docs(&p.url, &p.title, &body, &heads, self.search_tables)
        } else {
            Vec::new()
        };
        let mut ctx = Context::new();
        ctx.insert("edition", &plan.edition);
        // The theme's sidebar is toc.js, written once: its base.html does not
        // read `nav`, and serialising the whole outline into every page's
        // context made the build quadratic in the plan's size. A plan's own
        // base.html may still read it.
        if self.custom_base {
            ctx.insert("nav", self.nav);
        }
        ctx.insert("root", &depth_root(&p.url));
        ctx.insert("body", &body);
        ctx.insert("print_url", self.print_url);
        ctx.insert("has_summary", &!self.content.summaries.is_empty());
        if let Some(d) = share::description(&body) {
            ctx.insert("description", &d);
        }
        if let Some(base) = self.base_url {
            ctx.insert("canonical", &format!("{base}{}", p.url));
            // The 404 page is served at any address: its links need the base.
            if p.url == "404.html" {
                ctx.insert("base_href", base);
            }
        }
        ctx.insert(
            "page",
            &serde_json::json!({
                "url": p.url, "title": p.title, "breadcrumbs": p.breadcrumbs,
                "prev": i.checked_sub(1).and_then(|j| pages.get(j)).map(|q| link(q)),
                "next": pages.get(i + 1).map(|q| link(q)),
            }),
        );
        let html = self.tera.render("base.html", &ctx)?;
        Ok((
            OutFile {
                path: p.url.clone(),
                bytes: html.into_bytes(),
            },
            docs,
        ))
    }
}

/// The summary edition (요약본): one page per chapter holding the summary of
/// each of its sections, each linked to the main-body section it condenses;
/// its own contents and print document. Empty when no summary is written.
fn summary_edition(r: &Renderer, main_nav: &Nav) -> Result<Vec<OutFile>, String> {
    let plan = &r.content.plan.value;
    if r.content.summaries.is_empty() {
        return Ok(Vec::new());
    }
    let file_of = |id: &str| {
        r.content
            .summaries
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, f)| f.clone())
    };
    let anchor = |id: &str| anchor("sum", id);
    let mut nav = Nav {
        front: main_nav.front.clone(),
        chapters: Vec::new(),
        attachments: Vec::new(),
    };
    let mut pages = Vec::new();
    let mut print_chapters = Vec::new();
    for (c, ce) in plan.chapters.iter().zip(&main_nav.chapters) {
        let parts: Vec<(&str, &str, String, String, String)> = std::iter::once((
            c.id.as_str(),
            c.title.as_str(),
            ce.number.clone(),
            ce.url.clone(),
            ce.anchor.clone(),
        ))
        .chain(c.sections.iter().zip(&ce.sections).map(|(s, se)| {
            (
                s.id.as_str(),
                s.title.as_str(),
                se.number.clone(),
                se.url.clone(),
                se.anchor.clone(),
            )
        }))
        .filter(|(id, ..)| file_of(id).is_some())
        .collect();
        if parts.is_empty() {
            continue;
        }
        let url = leaf_url("summary", &c.id);
        let site = LinkMode::Site {
            root: depth_root(&url),
        };
        let mut body = format!(
            "<h1 id=\"{}\">{}. {} <span class=\"edition-tag\">요약</span></h1>\n",
            html_attr(&anchor(&c.id)),
            escape(&ce.number),
            escape(&c.title)
        );
        let mut entries = Vec::new();
        let mut print_sections = Vec::new();
        for (id, title, number, main_url, main_anchor) in &parts {
            let Some(file) = file_of(id) else { continue };
            let main_href = format!("{}{main_url}#{main_anchor}", depth_root(&url));
            let is_chapter = *id == c.id;
            if !is_chapter {
                body.push_str(&format!(
                    "<h2 id=\"{}\">{} {}</h2>\n",
                    html_attr(&anchor(id)),
                    escape(number),
                    escape(title)
                ));
            }
            body.push_str(&format!(
                "<p class=\"main-ref\"><a href=\"{}\">본문 {} {} 보기 →</a></p>\n",
                href(&main_href),
                escape(number),
                escape(title)
            ));
            body.push_str(&r.narrative(&file, &site, 0));
            entries.push(NavEntry {
                number: number.clone(),
                title: title.to_string(),
                url: format!("{url}#{}", anchor(id)),
                anchor: anchor(id),
                ..Default::default()
            });
            // In print the reference gives the body's page once it is known:
            // in a slot of its own width, printed empty and stamped after the
            // provisional print (its link marks the place), or printed with
            // the number when the summary is printed again.
            // The plan's first chapter is front matter there (its divider
            // is not counted), so no page is quoted for it.
            let first_chapter = is_chapter && plan.chapters.first().is_some_and(|f| f.id == c.id);
            let page = if r.pages.provisional && !first_chapter {
                format!(
                    ", <a class=\"page-slot\" href=\"../print.html#{}{}\">\u{2007}</a>",
                    PAGE_SLOT_PREFIX,
                    html_attr(main_anchor)
                )
            } else if first_chapter {
                String::new()
            } else {
                r.pages
                    .plan_page(main_anchor, SlotKind::Toc)
                    .map(|p| format!(", <span class=\"page-slot\">{p}쪽</span>"))
                    .unwrap_or_default()
            };
            let print_body = format!(
                "<p class=\"main-ref\">본문 {} {}{page}</p>\n{}",
                escape(number),
                escape(title),
                r.narrative_at(&file, &LinkMode::Print, 1, "../")
            );
            print_sections.push(serde_json::json!({
                "number": number, "title": title, "anchor": anchor(id), "items": [], "body": print_body,
                "page": r.pages.summary_page(&anchor(id)),
            }));
        }
        nav.chapters.push(NavEntry {
            number: ce.number.clone(),
            title: c.title.clone(),
            url: url.clone(),
            anchor: anchor(&c.id),
            sections: entries
                .into_iter()
                .filter(|e| e.anchor != anchor(&c.id))
                .collect(),
            ..Default::default()
        });
        print_chapters.push(serde_json::json!({
            "number": ce.number, "title": c.title, "anchor": anchor(&c.id), "intro": "", "sections": print_sections,
            "page": r.pages.summary_page(&anchor(&c.id)),
        }));
        pages.push(Page {
            url,
            title: format!("{}. {} (요약)", ce.number, c.title),
            body,
            breadcrumbs: vec![Link {
                title: "요약본".into(),
                url: "summary/index.html".into(),
            }],
        });
    }
    // The summary's own cover and contents.
    let index = index_page(r, &nav, "summary/", "요약본 표지 및 목차")?;
    let all: Vec<&Page> = std::iter::once(&index).chain(pages.iter()).collect();
    let mut files = wrap_pages(r, &nav, &all, "summary/print.html")?;
    files.push(toc::script(&nav, "assets/toc-summary.js")?);
    // Print document of the summary: the same template as the full plan.
    let front: Vec<serde_json::Value> = plan
        .front
        .iter()
        .filter(|f| f.id != "cover")
        .zip(&main_nav.front)
        .map(|(f, e)| {
            let body = f.file.as_ref().map_or_else(
                || PENDING.to_string(),
                |file| r.narrative_at(file, &LinkMode::Print, 1, "../"),
            );
            serde_json::json!({"title": f.title, "anchor": e.anchor, "body": body, "page": r.pages.summary_page(&e.anchor)})
        })
        .collect();
    let mut edition = serde_json::to_value(&plan.edition).map_err(|e| e.to_string())?;
    if let Some(e) = edition.as_object_mut() {
        e.insert(
            "title".into(),
            serde_json::Value::String(format!("{} (요약본)", plan.edition.title)),
        );
    }
    let mut ctx = Context::new();
    ctx.insert("edition", &edition);
    ctx.insert("front", &front);
    ctx.insert("chapters", &print_chapters);
    ctx.insert("attachments", &Vec::<serde_json::Value>::new());
    ctx.insert(
        "numbers_stamped",
        &(r.pages.provisional || r.pages.summary_first.is_some()),
    );
    ctx.insert("summary", &true);
    ctx.insert("root", "../");
    let html = r.tera.render("print.html", &ctx)?;
    files.push(OutFile {
        path: "summary/print.html".into(),
        bytes: html.into_bytes(),
    });
    Ok(files)
}

/// The headings of the print documents as they appear in order, with their
/// anchors: the bookmarks of a printed PDF are matched against these.
/// (anchor, heading text) in document order.
pub type Headings = Vec<(String, String)>;

pub fn print_headings(content: &Content) -> (Headings, Headings) {
    let plan = &content.plan.value;
    let mut main = Vec::new();
    for f in plan.front.iter().filter(|f| f.id != "cover") {
        main.push((anchor("front", &f.id), f.title.clone()));
    }
    for c in &plan.chapters {
        main.push((section_anchor(&c.id), c.title.clone()));
        for s in &c.sections {
            main.push((
                section_anchor(&s.id),
                format!("{} {}", roman_display(&s.id), s.title),
            ));
            for i in &s.items {
                main.push((item_anchor(&s.id, &i.no), format!("{}. {}", i.no, i.title)));
            }
        }
    }
    if !plan.attachments.is_empty() {
        main.push(("attachments".to_string(), "붙임 자료".to_string()));
    }
    for a in &plan.attachments {
        main.push((attachment_anchor(&a.id), a.title.clone()));
    }
    // Closes the document when there are errata (unmatched otherwise).
    main.push(("errata-page".to_string(), "정오표".to_string()));
    let mut summary = Vec::new();
    for f in plan.front.iter().filter(|f| f.id != "cover") {
        summary.push((anchor("front", &f.id), f.title.clone()));
    }
    for c in &plan.chapters {
        let parts: Vec<&str> = content
            .summaries
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        if !c.sections.iter().any(|s| parts.contains(&s.id.as_str()))
            && !parts.contains(&c.id.as_str())
        {
            continue;
        }
        summary.push((anchor("sum", &c.id), c.title.clone()));
        for s in c.sections.iter().filter(|s| parts.contains(&s.id.as_str())) {
            summary.push((
                anchor("sum", &s.id),
                format!("{} {}", roman_display(&s.id), s.title),
            ));
        }
    }
    (main, summary)
}

/// A chart file opened on its own finds the bundled font next to the site.
fn standalone_svg(svg: &str) -> String {
    let style = "<style>@font-face{font-family:NanumSquare;src:url(../assets/fonts/NanumSquare-R.woff2)}@font-face{font-family:NanumSquare;font-weight:bold;src:url(../assets/fonts/NanumSquare-B.woff2)}</style>";
    match svg
        .find("<desc")
        .and_then(|i| svg[i..].find("</desc>").map(|j| i + j + 7))
    {
        Some(at) => format!("{}{}{}", &svg[..at], style, &svg[at..]),
        None => svg.to_string(),
    }
}

fn print_document(r: &Renderer, nav: &Nav) -> Result<OutFile, String> {
    let plan = &r.content.plan.value;
    let mode = LinkMode::Print;
    let front: Vec<serde_json::Value> = plan
        .front
        .iter()
        .filter(|f| f.id != "cover")
        .zip(&nav.front)
        .map(|(f, e)| {
            let body = f
                .file
                .as_ref()
                .map_or_else(|| PENDING.to_string(), |file| r.narrative(file, &mode, 1));
            serde_json::json!({"title": f.title, "anchor": e.anchor, "body": body, "page": r.pages.plan_page(&e.anchor, SlotKind::Toc)})
        })
        .collect();
    let chapters: Vec<serde_json::Value> = plan
        .chapters
        .iter()
        .zip(&nav.chapters)
        .map(|(c, ce)| {
            let sections: Vec<serde_json::Value> = c
                .sections
                .iter()
                .zip(&ce.sections)
                .map(|(s, se)| {
                    let items: Vec<serde_json::Value> = se
                        .items
                        .iter()
                        .map(|i| serde_json::json!({"number": i.number, "title": i.title, "anchor": i.anchor, "page": r.pages.plan_page(&i.anchor, SlotKind::Toc)}))
                        .collect();
                    serde_json::json!({
                        "number": se.number, "title": s.title, "anchor": se.anchor,
                        "items": items, "body": r.section_body(s, &mode, true),
                        "mark": r.consult_mark(&s.id), "page": r.pages.plan_page(&se.anchor, SlotKind::Toc),
                    })
                })
                .collect();
            let intro = c.file.as_ref().map(|f| r.narrative(f, &mode, 1)).unwrap_or_default();
            // As in the published 목차 a chapter shows no page: its divider
            // carries no number (the first one is not even counted).
            serde_json::json!({"number": ce.number, "title": c.title, "anchor": ce.anchor, "intro": intro, "sections": sections, "page": null})
        })
        .collect();
    let attachments: Vec<serde_json::Value> = plan
        .attachments
        .iter()
        .zip(&nav.attachments)
        .map(|(a, e)| {
            let body = a
                .file
                .as_ref()
                .map_or_else(|| PENDING.to_string(), |file| r.narrative(file, &mode, 1));
            serde_json::json!({"title": a.title, "anchor": e.anchor, "body": body, "page": r.pages.plan_page(&e.anchor, SlotKind::Toc)})
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("edition", &plan.edition);
    ctx.insert("front", &front);
    ctx.insert("chapters", &chapters);
    ctx.insert("attachments", &attachments);
    // The errata list closes the print document, after the attachments.
    ctx.insert("errata", &errata_body(r, &mode));
    ctx.insert(
        "errata_page",
        &r.pages.plan_page("errata-page", SlotKind::Toc),
    );
    // Printed for the PDF: the pages are numbered afterwards (from Ⅰ-1, then
    // i, ii, iii … in the attachments), so the print leaves every foot empty.
    ctx.insert("numbers_stamped", &r.pages.plan_stamped());
    ctx.insert("summary", &false);
    let html = r.tera.render("print.html", &ctx)?;
    Ok(OutFile {
        path: "print.html".into(),
        bytes: html.into_bytes(),
    })
}
