export type { ReportInput, ReportOptions } from "./input.js";
export { renderReport, reportMarker } from "./render.js";
export { loadReportInput, renderReportFromBundle } from "./load.js";
export { overallVerdict, checkConclusion } from "./verdict.js";
export { reportAnnotations, ANNOTATIONS_MAX } from "./annotations.js";
export { markdownText, htmlText, htmlDataText, singleLine, defuseAutolinks } from "./escape.js";
export { svgChart } from "./svg.js";
export { mermaidChart } from "./mermaid.js";
export type { Chart } from "./document.js";
