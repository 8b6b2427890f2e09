//! Every rule `check` knows, as data: a stable kebab-case name, a family, a
//! default level and an explanation (*What it checks / Why / Example / How
//! to fix*). The registry drives `explain`, `explain --list`, the levels
//! configuration and SARIF's rule table; names are stable once released.

use serde::Serialize;

/// What a rule's findings are, before configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    Allow,
}

impl RuleLevel {
    pub fn parse(s: &str) -> Option<RuleLevel> {
        match s {
            "error" | "deny" => Some(RuleLevel::Error),
            "warning" | "warn" => Some(RuleLevel::Warning),
            "allow" | "off" => Some(RuleLevel::Allow),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleLevel::Error => "error",
            RuleLevel::Warning => "warning",
            RuleLevel::Allow => "allow",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ids,
    Coverage,
    Endpoints,
    Files,
    Links,
    Structure,
    Gate,
    /// The seed's rules for task plans (`plan --validate`).
    Plan,
    /// Problems reading the workspace itself.
    Input,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Ids => "ids",
            Family::Coverage => "coverage",
            Family::Endpoints => "endpoints",
            Family::Files => "files",
            Family::Links => "links",
            Family::Structure => "structure",
            Family::Gate => "gate",
            Family::Plan => "plan",
            Family::Input => "input",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub name: &'static str,
    pub family: Family,
    pub default_level: RuleLevel,
    /// One line, for `explain --list` and SARIF's short description.
    pub summary: &'static str,
    /// What it checks / Why / Example / How to fix, in Markdown.
    pub explain: &'static str,
}

macro_rules! rule {
    ($name:literal, $family:ident, $level:ident, $summary:literal, $explain:literal $(,)?) => {
        Rule {
            name: $name,
            family: Family::$family,
            default_level: RuleLevel::$level,
            summary: $summary,
            explain: $explain,
        }
    };
}

/// Every rule, sorted by family then name.
pub static RULES: &[Rule] = &[
    // ids
    rule!(
        "dangling-implements",
        Ids,
        Error,
        "an #[implements] or #[verifies] names an ID that no document defines",
        "## What it checks\n\nEvery ID in an `#[implements(\"…\")]` or `#[verifies(\"…\")]` attribute must be defined in the documents: FR and NFR IDs in `<domain>/requirements/requirements.md`, user stories in `user-stories.md`, use cases in `use-cases.md`.\n\n## Why\n\nAn attribute that names nothing is a broken promise: the code claims to implement a requirement that does not exist, usually because the requirement was renumbered or deleted, or the ID was mistyped.\n\n## Example\n\n```rust\n#[implements(\"FR-AUTH-07\")] // requirements.md defines FR-AUTH-01 … FR-AUTH-04\nasync fn login() {}\n```\n\n## How to fix\n\nCorrect the ID (the diagnostic names the closest defined IDs), or define the requirement in the document where the diagnostic says it belongs."
    ),
    rule!(
        "duplicate-id",
        Ids,
        Error,
        "the same ID is defined twice",
        "## What it checks\n\nAn ID is defined by a heading that begins with it or by the first cell of a row in an `ID` table. Each ID must be defined exactly once across all documents.\n\n## Why\n\nTwo definitions make every reference ambiguous: code, stories and tests that name the ID may mean either.\n\n## Example\n\n```markdown\n### FR-AUTH-01: Sign in with email\n…\n### FR-AUTH-01: Sign in with a passkey\n```\n\n## How to fix\n\nGive the second requirement the next free number. IDs are never reused: if one is retired, leave a gap."
    ),
    rule!(
        "malformed-id",
        Ids,
        Error,
        "an ID-like token does not follow KIND-DOMAIN-NN",
        "## What it checks\n\nIDs have the form `FR-<DOM>-<NN>`, `NFR-<DOM>-<NN>`, `US-<DOM>-<NN>` or `UC-<DOM>-<NN>`: `<DOM>` is the domain's prefix in upper case (`AUTH`), `<NN>` two or more digits.\n\n## Why\n\nIDs are matched exactly, as whole words and case-sensitively. `FR-auth-1` looks like an ID to a person but matches nothing, so the link it was meant to make silently does not exist.\n\n## Example\n\n```markdown\nSee FR-auth-1 for the password rules.\n```\n\n## How to fix\n\nWrite the ID in its canonical form, e.g. `FR-AUTH-01`."
    ),
    rule!(
        "undefined-id",
        Ids,
        Error,
        "a document references an ID that no document defines",
        "## What it checks\n\nEvery ID mentioned in a document (outside the place that defines it) must be defined somewhere.\n\n## Why\n\nA user story that covers `FR-AUTH-09`, when there is no such requirement, gives false coverage and hides a gap.\n\n## Example\n\n```markdown\n**Related requirements:** FR-AUTH-09\n```\n\n## How to fix\n\nCorrect the reference, or define the requirement in its requirements document."
    ),
    // coverage
    rule!(
        "stale-implementation",
        Coverage,
        Warning,
        "code or a test was confirmed against a requirement text that has changed",
        "## What it checks\n\n`cargo specplan trace --lock` records in `specplan.lock`, for every `#[implements]` and `#[verifies]` of a requirement, the requirement's text (its heading and body, or its table row, whitespace normalised) with a fingerprint. When the text in `requirements.md` no longer matches what an item was confirmed against, the item is reported, with the confirmed and the current text.\n\n## Why\n\nIDs are never renumbered, so an annotation keeps pointing at a requirement after its meaning changed. The link still looks green in the matrix while the code does what the old text said.\n\n## Example\n\n```markdown\n### FR-AUTH-01: Register an account\n- The password must be 12 to 128 characters long.   <!-- was: 8 to 128 -->\n```\n\n```rust\n#[implements(\"FR-AUTH-01\")] // confirmed against \"8 to 128\"\nasync fn register() {}\n```\n\n## How to fix\n\nRe-read the code and tests against the new text and change them if needed, then record the new text: `cargo specplan confirm FR-AUTH-01` (or `--all`). Commit `specplan.lock`. New annotations are added to the lock by `cargo specplan trace --lock`, which never re-confirms a stale one."
    ),
    rule!(
        "story-without-use-case",
        Coverage,
        Warning,
        "a user story that no use case references",
        "## What it checks\n\nEvery user story (`US-…`) should be referenced by at least one use case (`UC-…`) in `workflows/use-cases.md`.\n\n## Why\n\nThe pipeline traces FR → US → UC → API → code. A story without a use case has no described flow, so nobody has thought through its main and alternative paths.\n\n## How to fix\n\nAdd or extend a use case whose basic-information table lists the story."
    ),
    rule!(
        "uncovered-requirement",
        Coverage,
        Warning,
        "a functional requirement that no user story covers",
        "## What it checks\n\nEvery FR (and every NFR, when `[coverage] nfr = true`) should be referenced by at least one user story.\n\n## Why\n\nA requirement no story covers has no acceptance criteria: there is no agreed way to tell when it is done.\n\n## How to fix\n\nWrite a user story for it and list the requirement under its related requirements."
    ),
    rule!(
        "unimplemented-requirement",
        Coverage,
        Warning,
        "a requirement that no #[implements] names",
        "## What it checks\n\nEvery FR should be named by at least one `#[implements(\"…\")]` in the workspace's code.\n\n## Why\n\nThe traceability matrix is only as good as its links. A requirement no code claims is either not built yet (fine: it shows up as planned work) or built without the link (then nobody can find its code).\n\n## How to fix\n\nAnnotate the handler, service or type that implements it:\n\n```rust\n#[implements(\"FR-AUTH-01\")]\nasync fn login() {}\n```"
    ),
    rule!(
        "unverified-requirement",
        Coverage,
        Warning,
        "a requirement that no #[verifies] test names",
        "## What it checks\n\nEvery FR should be named by at least one test annotated `#[verifies(\"…\")]`.\n\n## Why\n\nAn implemented requirement without a test can regress silently.\n\n## How to fix\n\n```rust\n#[test]\n#[verifies(\"FR-AUTH-01\")]\nfn login_with_valid_password() {}\n```"
    ),
    // endpoints
    rule!(
        "endpoint-requirement-mismatch",
        Endpoints,
        Warning,
        "a handler implements a requirement its endpoint's entry does not list",
        "## What it checks\n\nWhen a handler carries `#[implements(\"FR-…\")]`, the endpoint's entry in `api-spec.md` should list that requirement.\n\n## Why\n\nThe API spec and the code then tell the same story about why the endpoint exists.\n\n## How to fix\n\nAdd the ID to the endpoint's related requirements in the API spec, or correct the attribute."
    ),
    rule!(
        "undocumented-endpoint",
        Endpoints,
        Warning,
        "the router serves an endpoint no api-spec.md documents",
        "## What it checks\n\nEvery endpoint the code's router serves (as `cargo specplan routes` lists it) should be defined in some `api-spec.md`, by a heading or `ID` cell beginning with `METHOD /path`.\n\n## Why\n\nAn endpoint clients can call but nobody documented is an API contract nobody agreed to.\n\n## How to fix\n\nDocument it (`cargo specplan generate <domain> --step api-spec` fills the catalog from the router), or remove the route."
    ),
    rule!(
        "unrouted-endpoint",
        Endpoints,
        Error,
        "an api-spec.md documents an endpoint no router serves",
        "## What it checks\n\nEvery endpoint defined in an `api-spec.md` must be served by the code's router. Path parameters written `:id`, `<id>` and `{id}` are the same.\n\n## Why\n\nThe document promises clients an endpoint that answers 404.\n\n## How to fix\n\nImplement and route it, correct its method or path, or remove it from the spec."
    ),
    // files
    rule!(
        "ambiguous-file",
        Files,
        Error,
        "a bare file name matches several files of the workspace",
        "## What it checks\n\nA sequence-diagram participant or a related-code entry may name a file by its bare name only when exactly one file of the workspace has that name.\n\n## Why\n\n`mod.rs` or `handlers.rs` may exist in several crates; the document must say which one it means.\n\n## How to fix\n\nWrite the workspace-relative path, e.g. `crates/api/src/handlers/auth.rs`."
    ),
    rule!(
        "missing-file",
        Files,
        Error,
        "a diagram participant or related-code entry names a file that does not exist",
        "## What it checks\n\nEvery file a sequence-diagram participant (`FileName<br/>(Layer)`) or a related-code list names must exist in the workspace. Paths that would leave the workspace are reported and never read.\n\n## Why\n\nDiagrams are only useful while they describe the code that exists; a renamed file silently turns them into fiction.\n\n## How to fix\n\nUpdate the name or path in the document, or declare a non-code participant with `actor`."
    ),
    rule!(
        "missing-item",
        Files,
        Error,
        "a related-code entry names an item that is not in the file",
        "## What it checks\n\nA related-code entry `path.rs::item` must name a fn, struct, enum, trait, or `Type::method` (inherent or trait impl) defined in that file, and `path.rs#L<n>` a line the file has.\n\n## Why\n\nThe entry is how a reader jumps from the document to the code; a stale item name breaks that jump.\n\n## How to fix\n\nCorrect the item name, or point at the file alone."
    ),
    // links
    rule!(
        "broken-link",
        Links,
        Error,
        "a relative link or anchor that does not resolve",
        "## What it checks\n\nEvery relative link in the documents must point at an existing file, and every `#anchor` at a heading of the target document (GitHub's heading slugs).\n\n## Why\n\nNavigation, tables of contents and cross-references are how readers move through the specification.\n\n## How to fix\n\nCorrect the path or the anchor; the diagnostic lists the anchors the target has."
    ),
    // structure
    rule!(
        "invalid-mermaid",
        Structure,
        Error,
        "a Mermaid block GitHub would fail to render",
        "## What it checks\n\nEvery ```` ```mermaid ```` block starts with a known diagram keyword and is structurally sound: sequence-diagram participants declared before use, `alt`/`opt`/`loop`/`par`/`critical`/`break` blocks closed by `end`.\n\n## Why\n\nGitHub shows a broken diagram as an error box in place of the picture.\n\n## How to fix\n\nFix the block at the line shown; the Mermaid live editor shows the parser's own message."
    ),
    rule!(
        "missing-acceptance-criteria",
        Structure,
        Warning,
        "a user story without Given/When/Then for a normal and an error case",
        "## What it checks\n\nEvery user story has acceptance criteria written as Given/When/Then, with at least one normal case and one error case.\n\n## Why\n\nCriteria in this form turn directly into tests and make \"done\" unambiguous; the error case is the one most often forgotten.\n\n## How to fix\n\n```markdown\n- Given a registered user, When they sign in with the right password, Then they receive a session token\n- Given a registered user, When they sign in with a wrong password, Then they receive 401 and no token\n```"
    ),
    rule!(
        "missing-diagram",
        Structure,
        Warning,
        "a document lacks the diagram its step requires",
        "## What it checks\n\nRequirements carry a `C4Context` system-context diagram; the API spec an authentication-flow `sequenceDiagram`; use cases a `graph TD`/`graph LR` use-case diagram and `sequenceDiagram` flows; sequence diagrams at least one `sequenceDiagram`.\n\n## Why\n\nThe pipeline's documents are read by people who need the picture first.\n\n## How to fix\n\nAdd the diagram; `cargo specplan generate` writes a starting point."
    ),
    rule!(
        "missing-examples",
        Structure,
        Warning,
        "a use case without curl and JavaScript fetch examples",
        "## What it checks\n\nEvery use case's test scenarios include a `curl` example and a JavaScript `fetch` example.\n\n## Why\n\nRunnable examples let testers and client developers exercise the flow without reading the code.\n\n## How to fix\n\nAdd fenced code blocks with a `curl …` command and a `fetch(…)` call for the use case's endpoint."
    ),
    rule!(
        "missing-meta",
        Structure,
        Error,
        "a document without its H1 and meta block",
        "## What it checks\n\nEvery document starts with an H1 title followed by the meta block: `Version` (semver), `Last Updated` (YYYY-MM-DD) and `Status` (`Draft`, `In Review`, `Approved` or `Deprecated`), one `**Key:** value` a line.\n\n## Why\n\nStatus drives the review gate, and version and date tell a reader whether the document is current.\n\n## How to fix\n\n```markdown\n# Requirements: auth\n\n- **Version:** 0.1.0\n- **Last Updated:** 2026-01-15\n- **Status:** Draft\n```"
    ),
    rule!(
        "missing-navigation",
        Structure,
        Warning,
        "a document without Previous/Next navigation in pipeline order",
        "## What it checks\n\nAfter the meta block, every document has a navigation line with `Previous` and `Next` links. Pipeline documents follow the order requirements → user stories → API spec → use cases → sequence diagrams, across domains in index order; the ends link to the specifications README.\n\n## Why\n\nReaders walk the pipeline in order; a missing or wrong link breaks the walk.\n\n## How to fix\n\n```markdown\n**Previous:** [Requirements](requirements.md) | **Next:** [API Specification](api-spec.md)\n```"
    ),
    rule!(
        "outdated-region",
        Structure,
        Warning,
        "a generated region that the code or the documents have left behind",
        "## What it checks\n\nEvery `<!-- specplan:begin NAME -->` region of every document (the workspace documents, Steps 1–5 of each domain, the READMEs of `index`, the traceability matrix, `planning-docs/`) is rendered again, as the command that wrote it would write it now, from the code and the documents; a region whose content differs is reported at its begin marker with the first lines that changed. A domain's documents are rendered with the answers its `generate` was given (`specplan/answers/<domain>.toml`, else `specplan/answers.toml`).\n\n## Why\n\nRename a field of a response type, read a new environment variable, add a compose service, change a handler's extractor or path, move it to another file: the documents' schemas, examples, tables and diagrams keep describing the old code, and nothing else fails.\n\n## Example\n\n```text\nwarning[outdated-region]: the generated region `endpoint-post-api-v1-login` is not what the code and documents say now\n  --> docs/en/specifications/auth/requirements/api-spec.md:51:1\n   = note: what `sync` would change:\n           - | Handler | `src/handlers/auth.rs::login` (routed at `/api/v1/login`) |\n           + | Handler | `src/api/login.rs::login` (routed at `/api/v1/login`) |\n```\n\n## How to fix\n\nRun `cargo specplan sync` (or `sync --domain D`): it rewrites only the outdated regions, never a word outside them. In CI, `cargo specplan sync --check` fails when a region is outdated. To keep a region as a person edited it, freeze it: `<!-- specplan:begin NAME frozen -->`; it is then neither reported nor rewritten."
    ),
    rule!(
        "participant-notation",
        Structure,
        Warning,
        "a sequence-diagram participant not written FileName<br/>(Layer)",
        "## What it checks\n\nIn sequence diagrams, participants that stand for code are written `participant H as auth_handler.rs<br/>(Presentation)`; people and outside systems are declared with `actor`.\n\n## Why\n\nThe notation is what lets `check` verify that every file a diagram names exists.\n\n## How to fix\n\nName the file and its layer, or declare the participant as an `actor`."
    ),
    rule!(
        "broken-region",
        Structure,
        Warning,
        "generated-region markers that do not pair up",
        "## What it checks\n\nEvery `<!-- specplan:begin NAME -->` has its `<!-- specplan:end NAME -->`, regions do not nest, and no name is used twice in a document.\n\n## Why\n\nRegions are the only parts of a document the tool rewrites. With broken markers it cannot tell the generated text from a person's, so it refreshes nothing in that document (and says so) rather than risk a person's words: the document silently stops following the code.\n\n## How to fix\n\nRestore the marker that was deleted or edited, or rename the duplicate region; `cargo specplan generate --force` rewrites the document whole and keeps the old one beside it."
    ),
    rule!(
        "section-numbering",
        Structure,
        Warning,
        "numbered sections out of sequence",
        "## What it checks\n\nThe document's `##` sections are numbered `1.`, `2.`, … without gaps or repeats.\n\n## Why\n\nSection numbers are how reviewers refer to parts of a document (\"see 3.2\").\n\n## How to fix\n\nRenumber the sections, and the table of contents with them."
    ),
    rule!(
        "toc-mismatch",
        Structure,
        Warning,
        "the table of contents does not match the numbered sections",
        "## What it checks\n\nThe `Table of Contents` lists every numbered section, in order, with links whose anchors are the sections' GitHub slugs.\n\n## Why\n\nA stale table of contents sends readers to sections that moved or no longer exist.\n\n## How to fix\n\nUpdate the list to the sections as they are."
    ),
    // gate
    rule!(
        "review-gate",
        Gate,
        Error,
        "a step is Approved while an earlier step of its domain is not",
        "## What it checks\n\nWithin a domain, a pipeline document may be `Approved` only when every earlier step's document is `Approved` too.\n\n## Why\n\nEach step builds on the previous one: approving user stories written against unapproved requirements approves assumptions nobody reviewed.\n\n## How to fix\n\nReview and approve the earlier step (`cargo specplan approve <domain> <step>`), or set this document back to `In Review`."
    ),
    // plan
    rule!(
        "plan-critique-mismatch",
        Plan,
        Error,
        "a critique task does not carry the preceding task and criteria it validates",
        "## What it checks\n\nA critique task (its inputs have `preceding_task`, or its skill is a critique skill, or its name starts with `QA:`) must come right after the implementation task it validates, depend on it, and carry in its `inputs`: the `original_prompt`, a `preceding_task` whose `task_order`, `skill_id`, `task_name` and `description` equal that task's, and `validation_criteria` equal to that task's (seed rules 7 and 8).\n\n## Why\n\nThe critique skill knows what to judge only from these inputs: the skill that produced the work (to apply the right checks), what the work was meant to do, and exactly the criteria it was given. A stale copy makes the checker judge something other than what the maker was asked for.\n\n## Example\n\n```json\n{\"task_order\": 2, \"skill_id\": \"backend-critique\", \"dependencies\": [1],\n \"inputs\": {\"original_prompt\": \"…\",\n   \"preceding_task\": {\"task_order\": 3, \"skill_id\": \"backend-development\", …}}}\n```\n\n## How to fix\n\nCopy `task_order`, `skill_id`, `task_name` and `description` of the task before into `inputs.preceding_task`, and its `validation_criteria` into `inputs.validation_criteria`. `cargo specplan plan` writes them this way."
    ),
    rule!(
        "plan-dependency-order",
        Plan,
        Error,
        "a task depends on itself, a later task, or a task that does not exist",
        "## What it checks\n\nEvery entry of a task's `dependencies` is the `task_order` of an earlier task of the plan.\n\n## Why\n\nTasks run in `task_order`. A dependency on a later task (or a missing one) can never be satisfied: the runner either deadlocks or runs the task without what it needs.\n\n## Example\n\n```json\n{\"task_order\": 2, \"dependencies\": [3]}\n```\n\n## How to fix\n\nReorder the tasks so that every dependency comes first, or remove the dependency."
    ),
    rule!(
        "plan-missing-critique",
        Plan,
        Error,
        "an implementation task is not followed by a critique task",
        "## What it checks\n\nEvery implementation task (every task that is not a critique) is immediately followed by a critique task (seed rule 5: maker → checker).\n\n## Why\n\nThe critique validates that specific work while its context is fresh; the next implementation task builds on work nobody reviewed otherwise.\n\n## Example\n\n```json\n[{\"task_order\": 1, \"skill_id\": \"backend-development\", …},\n {\"task_order\": 2, \"skill_id\": \"backend-testing\", …}]\n```\n\n## How to fix\n\nInsert a task with the critique skill (`backend-critique` by default, `[plan] critique-skill`) right after it, with `preceding_task` and the same `validation_criteria`, and renumber the tasks after it."
    ),
    rule!(
        "plan-missing-files",
        Plan,
        Error,
        "an implementation task names no file to create, modify or test",
        "## What it checks\n\nEvery implementation task lists at least one workspace-relative path in `inputs.files_to_create`, `inputs.files_to_modify` or `inputs.files_to_test`, and no entry is empty (seed rule 3).\n\n## Why\n\nA task without files leaves the skill to guess where the work goes; it then invents a layout instead of following the code's.\n\n## Example\n\n```json\n\"inputs\": {\"requirements\": \"Password reset\"}\n```\n\n## How to fix\n\nList the files: `cargo specplan plan` derives them from the participants of the sequence diagrams (`file.rs<br/>(Layer)`) and the router file where the routes are registered."
    ),
    rule!(
        "plan-missing-security",
        Plan,
        Error,
        "a security-sensitive task or endpoint without a security criterion",
        "## What it checks\n\nAn implementation task whose name, description or requirements speak of something sensitive (auth, login, password, token, secret, session, payment, webhook, admin, …) must have a security criterion (auth enforced, signature verified, secrets hashed, 401/403 …) in its `validation_criteria`; and when the architecture has an endpoint with `\"auth\": \"required\"` or a sensitive path, some implementation task must have one (seed rule 4).\n\n## Why\n\nSecurity that is not a criterion is not checked: the critique validates exactly the criteria it is given.\n\n## Example\n\n```json\n{\"task_name\": \"Implement password reset\",\n \"validation_criteria\": {\"critical\": [\"Endpoint works\"], \"expected\": [], \"nice_to_have\": []}}\n```\n\n## How to fix\n\nAdd what must hold, e.g. \"Reset tokens are single-use and stored hashed\", \"Auth enforced: 401 without a valid token\"."
    ),
    rule!(
        "plan-shape",
        Plan,
        Error,
        "a plan value is missing or has the wrong type",
        "## What it checks\n\nThe plan has the seed's shape: `status`, `category`, `architecture` (`summary`, `endpoints`, `data_models`, `services`, `external_integrations`) and `tasks`, each task with `task_name`, `description`, `skill_id`, `task_order`, `dependencies`, `inputs`, `validation_criteria` (`critical`, `expected`, `nice_to_have`) and `timeout_seconds`, each of its type. `cargo specplan plan --schema` prints the JSON Schema.\n\n## Why\n\nThe runner and the skills read these fields; a missing or mistyped one fails at run time, far from the plan.\n\n## How to fix\n\nAdd the field or correct its type at the path the diagnostic names."
    ),
    rule!(
        "plan-invalid-json",
        Plan,
        Error,
        "the plan file is not JSON",
        "## What it checks\n\nThe file given to `plan --validate` parses as JSON; the diagnostic points at the first character that does not.\n\n## Why\n\nA runner cannot read a plan that does not parse; an agent that returns one has not finished.\n\n## How to fix\n\nFix the JSON at the position named (a missing comma or quote, a trailing comma, a comment). `cargo specplan plan --schema` prints the plan's JSON Schema."
    ),
    rule!(
        "plan-path",
        Plan,
        Error,
        "a task names a file outside the workspace",
        "## What it checks\n\nEvery entry of `files_to_create`, `files_to_modify` and `files_to_test` is a path relative to the workspace root that stays inside it: not absolute (`/etc/passwd`, `C:\\x`), not in a home folder (`~/x`), not climbing out with `..` (`../other/x.rs`).\n\n## Why\n\nA skill writes where the plan says. A path outside the workspace is at best a mistake and at worst a write to someone else's files.\n\n## Example\n\n```json\n\"files_to_modify\": [\"../shared/config.rs\"]\n```\n\n## How to fix\n\nName the file by its path from the workspace root, e.g. `src/handlers/billing.rs`."
    ),
    rule!(
        "plan-public-endpoint",
        Plan,
        Error,
        "an endpoint for money, administration or access rights is public",
        "## What it checks\n\nAn endpoint of `architecture.endpoints` whose path or purpose speaks of payments, billing, invoices, refunds, checkout, subscriptions, administration, permissions, roles or API keys has `\"auth\": \"required\"`. Webhooks and callbacks are public by nature; their security is the signature check (`plan-missing-security`).\n\n## Why\n\nA public payment or admin endpoint is the most expensive mistake a plan can carry into code: the implementation follows the plan.\n\n## Example\n\n```json\n{\"method\": \"POST\", \"path\": \"/api/v1/subscriptions\", \"purpose\": \"Create subscription\", \"auth\": \"public\"}\n```\n\n## How to fix\n\nSet `\"auth\": \"required\"`, and say in the task's validation criteria who may call it."
    ),
    rule!(
        "plan-status",
        Plan,
        Error,
        "status contradicts the tasks",
        "## What it checks\n\nA plan whose `status` is `planned` has at least one task; a plan that is `up_to_date` has none.\n\n## Why\n\nA runner trusts the status: a `planned` plan without tasks does nothing while saying work is scheduled.\n\n## How to fix\n\nAdd the tasks, or set the status that matches them."
    ),
    rule!(
        "plan-task-order",
        Plan,
        Error,
        "task_order is not 1, 2, 3, … in the order of the tasks",
        "## What it checks\n\nThe n-th task of `tasks` has `\"task_order\": n`, from 1, without gaps or repeats (seed rule 6).\n\n## Why\n\nDependencies and `preceding_task` name tasks by their order; a gap or a repeat makes them ambiguous.\n\n## Example\n\n```json\n[{\"task_order\": 1, …}, {\"task_order\": 3, …}]\n```\n\n## How to fix\n\nRenumber the tasks in sequence, and the dependencies and `preceding_task.task_order` that name them."
    ),
    // input
    rule!(
        "cargo-metadata-failed",
        Input,
        Warning,
        "cargo metadata refused the workspace; manifests were read directly",
        "## What it checks\n\n`cargo metadata --no-deps --offline` must accept the workspace.\n\n## Why\n\nWhen it does not (usually a broken member manifest), the manifests are read directly so the rest can be analysed, but cargo's exact view is lost.\n\n## How to fix\n\nFix the manifest error cargo reports."
    ),
    rule!(
        "file-too-large",
        Input,
        Warning,
        "a file larger than the limit was skipped",
        "## What it checks\n\nFiles over 8 MiB are not read.\n\n## Why\n\nThey are almost always generated; parsing them would make every run slow.\n\n## How to fix\n\nList the file in `.gitignore` or an `.ignore` file."
    ),
    rule!(
        "invalid-toml",
        Input,
        Warning,
        "a TOML file that does not parse",
        "## What it checks\n\nManifests, `Cargo.lock` and other TOML files the tool reads must parse.\n\n## How to fix\n\nFix the syntax at the line shown."
    ),
    rule!(
        "invalid-yaml",
        Input,
        Warning,
        "a YAML file (compose, Kubernetes) that does not parse",
        "## What it checks\n\nCompose files and Kubernetes manifests the tool reads must parse.\n\n## How to fix\n\nFix the syntax at the line shown."
    ),
    rule!(
        "non-utf8-file",
        Input,
        Warning,
        "a file that is not valid UTF-8 was skipped",
        "## What it checks\n\nSource files and documents must be UTF-8.\n\n## How to fix\n\nRe-encode the file as UTF-8."
    ),
    rule!(
        "rust-parse-error",
        Input,
        Warning,
        "a Rust file that does not parse was skipped",
        "## What it checks\n\nThe sources are read with `syn`; a file it cannot parse is skipped and the rest is analysed.\n\n## How to fix\n\nMake the file compile; `cargo check` shows the same error with more context."
    ),
    rule!(
        "symlink-loop",
        Input,
        Warning,
        "a symbolic link loops back on itself",
        "## What it checks\n\nThe workspace walk follows symbolic links that stay inside the workspace; a link back to one of its own ancestors is skipped.\n\n## How to fix\n\nRemove the link, or add it to `.ignore`."
    ),
    rule!(
        "unreadable-file",
        Input,
        Warning,
        "a file that could not be read was skipped",
        "## What it checks\n\nEvery file the tool needs must be readable.\n\n## How to fix\n\nCheck the file's permissions."
    ),
];

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// The known rule names closest to `name`, for "did you mean …?".
pub fn suggest(name: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = RULES
        .iter()
        .map(|r| (strsim::levenshtein(name, r.name), r.name))
        .filter(|(d, _)| *d <= 3 || name.len() > 6 && *d <= name.len() / 3)
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_explained() {
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate rule names");
        for r in RULES {
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.name
            );
            assert!(r.explain.contains("## What it checks"), "{}", r.name);
            assert!(r.explain.contains("## How to fix"), "{}", r.name);
        }
    }

    #[test]
    fn every_rule_of_the_spec_is_registered() {
        for name in [
            "malformed-id",
            "duplicate-id",
            "undefined-id",
            "dangling-implements",
            "unimplemented-requirement",
            "unverified-requirement",
            "uncovered-requirement",
            "story-without-use-case",
            "stale-implementation",
            "undocumented-endpoint",
            "unrouted-endpoint",
            "endpoint-requirement-mismatch",
            "missing-file",
            "missing-item",
            "ambiguous-file",
            "broken-link",
            "missing-meta",
            "missing-navigation",
            "toc-mismatch",
            "section-numbering",
            "missing-diagram",
            "invalid-mermaid",
            "missing-acceptance-criteria",
            "missing-examples",
            "participant-notation",
            "review-gate",
            "outdated-region",
        ] {
            assert!(find(name).is_some(), "{name}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("undefined-ids")[0], "undefined-id");
        assert_eq!(suggest("brokn-link")[0], "broken-link");
        assert!(suggest("zzz").is_empty());
    }
}
