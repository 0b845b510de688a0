export * from "./record.js";
export * from "./store.js";
export * from "./local-store.js";
export { historyExclusionReason, readRunDocuments, summarizeRun, MODEL_TEST_FILE } from "./summarize.js";
export type { RunDocuments, SummaryOptions } from "./summarize.js";
export { renderHistorySite, type SiteOptions } from "./site/page.js";
export { runLinks, type RunLinks } from "./site/links.js";
export { appendAndRender, type AppendAndRenderOptions, type AppendAndRenderResult } from "./append-and-render.js";
