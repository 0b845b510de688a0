/**
 * Checks requests and responses against GitHub's own OpenAPI description (`@octokit/openapi`), so a fake that
 * answers GitHub's REST API cannot drift from the real shapes. The description is parsed once per process, on first
 * use; validators are compiled per operation on demand and cached.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";

/** One way a request or a response departs from the description. */
export interface OpenApiViolation {
  operationId: string;
  method: string;
  path: string;
  /** Which part broke the description, e.g. `request query "state"` or `response 201 body`. */
  where: string;
  message: string;
  /** Ajv's findings behind the message, for callers that answer some of them the way GitHub does. */
  errors?: ErrorObject[];
}

/** A request matched to an operation of the description. */
export interface OperationMatch {
  operationId: string;
  method: string;
  /** The template as the description spells it, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  template: string;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

export interface CheckedRequest {
  query: URLSearchParams;
  contentType: string | undefined;
  body: Buffer;
}

export interface CheckedResponse {
  status: number;
  /** The parsed JSON body, or undefined when the response has none. */
  body: unknown;
}

type JsonObject = Record<string, unknown>;

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonObject;
  "x-multi-segment"?: boolean;
  /** JSON pointer of the parameter's schema inside the description, for compiling. */
  schemaPointer: string;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  pointer: string;
  parameters: Parameter[];
  raw: JsonObject;
  pattern: RegExp;
  paramNames: string[];
  literalLength: number;
}

/** GitHub answers these for any operation (authentication, permissions, missing resources, validation, rate limits,
 * server errors), though the description lists them only on some operations; their bodies must still be GitHub's
 * error objects. */
const PLATFORM_WIDE_ERRORS: Record<number, string> = {
  401: "basic-error",
  403: "basic-error",
  404: "basic-error",
  422: "validation-error",
  429: "basic-error",
  500: "basic-error",
  502: "basic-error",
  503: "basic-error",
  504: "basic-error",
};

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

export class OpenApiChecker {
  private readonly ajv: Ajv;
  private readonly operationsByMethod = new Map<string, Operation[]>();
  private readonly operationsById = new Map<string, Operation>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly spec: JsonObject) {
    const formats = adaptToJsonSchema(spec);
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      // Keeps the offending data on each error, so a caller can say "50 allowed, 79 supplied" as GitHub does.
      verbose: true,
      validateSchema: false,
      logger: false,
      // Measured: shared refs compiled once and unoptimized code compile several times faster on GitHub's big schemas.
      inlineRefs: false,
      code: { optimize: false },
    });
    addFormatsPlugin.default(this.ajv);
    for (const format of formats) {
      if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    }
    // Only the components: operation schemas are compiled from their own spot (see `validator`), which keeps ajv from
    // walking the whole description up front.
    const { schemas, parameters, responses } = spec.components as JsonObject;
    this.ajv.addSchema({ components: { schemas, parameters, responses } }, "github");
    this.indexOperations();
  }

  /** The operation a request addresses, preferring the template with the most literal characters. */
  match(method: string, pathname: string): OperationMatch | undefined {
    let best: { operation: Operation; groups: RegExpExecArray } | undefined;
    for (const operation of this.operationsByMethod.get(method.toLowerCase()) ?? []) {
      const groups = operation.pattern.exec(pathname);
      if (groups && (!best || operation.literalLength > best.operation.literalLength)) best = { operation, groups };
    }
    if (!best) return undefined;
    const params: Record<string, string> = {};
    best.operation.paramNames.forEach((name, index) => {
      params[name] = safeDecode(best.groups[index + 1] ?? "");
    });
    const { operationId, method: opMethod, template } = best.operation;
    return { operationId, method: opMethod, template, params };
  }

  /** The raw operation object, for callers that need more than validation (e.g. its documented statuses). */
  operation(operationId: string): JsonObject | undefined {
    return this.operationsById.get(operationId)?.raw;
  }

  checkRequest(match: OperationMatch, request: CheckedRequest): OpenApiViolation[] {
    const operation = this.requireOperation(match.operationId);
    const violations: OpenApiViolation[] = [];
    const report = (where: string, message: string, errors?: ErrorObject[]) =>
      violations.push({
        operationId: operation.operationId,
        method: operation.method,
        path: operation.template,
        where,
        message,
        errors,
      });

    const documentedQuery = new Set<string>();
    for (const parameter of operation.parameters) {
      if (parameter.in === "path") {
        this.checkValue(parameter, match.params[parameter.name], `request path parameter "${parameter.name}"`, report);
      } else if (parameter.in === "query") {
        documentedQuery.add(parameter.name);
        const values = request.query.getAll(parameter.name);
        if (values.length === 0) {
          if (parameter.required) report(`request query "${parameter.name}"`, "is required but missing");
          continue;
        }
        if (values.length > 1 && parameter.schema?.type !== "array") {
          report(`request query "${parameter.name}"`, `appears ${values.length} times`);
        }
        this.checkValue(parameter, values.join(","), `request query "${parameter.name}"`, report);
      }
    }
    for (const name of new Set(request.query.keys())) {
      if (!documentedQuery.has(name))
        report(`request query "${name}"`, "is not a documented parameter of this operation");
    }
    this.checkRequestBody(operation, request, report);
    return violations;
  }

  checkResponse(match: OperationMatch, response: CheckedResponse): OpenApiViolation[] {
    const operation = this.requireOperation(match.operationId);
    const violations: OpenApiViolation[] = [];
    const where = `response ${response.status}`;
    const report = (part: string, message: string) =>
      violations.push({
        operationId: operation.operationId,
        method: operation.method,
        path: operation.template,
        where: part,
        message,
      });

    const responses = operation.raw.responses as Record<string, JsonObject>;
    const key = String(response.status);
    const documented = responses[key]
      ? this.resolve(responses[key], `${operation.pointer}/responses/${key}`)
      : undefined;
    if (!documented) {
      const platformSchema = PLATFORM_WIDE_ERRORS[response.status];
      if (!platformSchema) {
        report(where, `is not documented (documented: ${Object.keys(responses).join(", ")})`);
        return violations;
      }
      this.validateBody(`/components/schemas/${platformSchema}`, response.body, `${where} body`, report);
      return violations;
    }
    const content = documented.value.content as Record<string, JsonObject> | undefined;
    const json = content?.["application/json"];
    if (json?.schema) {
      if (response.body === undefined) report(`${where} body`, "is missing but the description documents a JSON body");
      else
        this.validateBody(
          `${documented.pointer}/content/application~1json/schema`,
          response.body,
          `${where} body`,
          report,
        );
    } else if (response.body !== undefined && !content) {
      // Error statuses are often documented without a body though GitHub sends its error object with them.
      const platformSchema = PLATFORM_WIDE_ERRORS[response.status];
      if (platformSchema)
        this.validateBody(`/components/schemas/${platformSchema}`, response.body, `${where} body`, report);
      else report(`${where} body`, "is present but the description documents none");
    }
    return violations;
  }

  private checkRequestBody(
    operation: Operation,
    request: CheckedRequest,
    report: (where: string, message: string, errors?: ErrorObject[]) => void,
  ): void {
    const requestBody = operation.raw.requestBody as JsonObject | undefined;
    if (!requestBody) {
      if (request.body.length > 0) report("request body", "is present but the operation takes none");
      return;
    }
    const content = requestBody.content as Record<string, JsonObject>;
    if (request.body.length === 0) {
      if (requestBody.required) report("request body", "is required but empty");
      return;
    }
    if (!content["application/json"]) return; // raw uploads (application/octet-stream) are checked by the route
    const mediaType = (request.contentType ?? "").split(";")[0]?.trim().toLowerCase();
    if (mediaType && mediaType !== "application/json" && !mediaType.endsWith("+json")) {
      report("request body", `has Content-Type "${request.contentType}" but the operation takes application/json`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString("utf8"));
    } catch (error) {
      report("request body", `is not valid JSON: ${(error as Error).message}`);
      return;
    }
    this.validateBody(
      `${operation.pointer}/requestBody/content/application~1json/schema`,
      parsed,
      "request body",
      report,
    );
  }

  private checkValue(
    parameter: Parameter,
    raw: string | undefined,
    where: string,
    report: (where: string, message: string) => void,
  ): void {
    if (raw === undefined) {
      if (parameter.required) report(where, "is required but missing");
      return;
    }
    if (!parameter.schema) return;
    const value = coerceParameter(raw, parameter.schema);
    const validate = this.validator(parameter.schemaPointer);
    if (!validate(value)) report(where, describeErrors(validate.errors, JSON.stringify(raw)));
  }

  private validateBody(
    pointer: string,
    body: unknown,
    where: string,
    report: (where: string, message: string, errors?: ErrorObject[]) => void,
  ): void {
    const validate = this.validator(pointer);
    if (!validate(body)) report(where, describeErrors(validate.errors, "body"), validate.errors ?? undefined);
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      const schema = pointer.startsWith("/components/")
        ? { $ref: `github#${pointer}` }
        : (JSON.parse(
            JSON.stringify(resolvePointer(this.spec, pointer)).replaceAll('"#/components/', '"github#/components/'),
          ) as JsonObject);
      validate = this.ajv.compile(schema);
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  private requireOperation(operationId: string): Operation {
    const operation = this.operationsById.get(operationId);
    if (!operation) throw new Error(`unknown operation ${operationId}`);
    return operation;
  }

  /** Follows a `$ref` to a component, returning the target and its pointer. */
  private resolve(value: JsonObject, pointer = ""): { value: JsonObject; pointer: string } {
    let current = value;
    let currentPointer = pointer;
    while (typeof current.$ref === "string") {
      currentPointer = current.$ref.slice(1);
      current = resolvePointer(this.spec, currentPointer);
    }
    return { value: current, pointer: currentPointer };
  }

  private indexOperations(): void {
    const paths = this.spec.paths as Record<string, JsonObject>;
    for (const [template, item] of Object.entries(paths)) {
      for (const [method, raw] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method)) continue;
        const op = raw as JsonObject;
        const pointer = `/paths/${escapePointer(template)}/${method}`;
        const parameters = ((op.parameters as JsonObject[] | undefined) ?? []).map((entry, index) => {
          const resolved = this.resolve(entry, `${pointer}/parameters/${index}`);
          return { ...(resolved.value as unknown as Parameter), schemaPointer: `${resolved.pointer}/schema` };
        });
        const { pattern, paramNames, literalLength } = compileTemplate(template, parameters);
        const operation: Operation = {
          operationId: op.operationId as string,
          method: method.toUpperCase(),
          template,
          pointer,
          parameters,
          raw: op,
          pattern,
          paramNames,
          literalLength,
        };
        const list = this.operationsByMethod.get(method) ?? [];
        list.push(operation);
        this.operationsByMethod.set(method, list);
        this.operationsById.set(operation.operationId, operation);
      }
    }
  }
}

let shared: OpenApiChecker | undefined;

/** The process-wide checker over api.github.com's description, loaded on first use. */
export function openApiChecker(): OpenApiChecker {
  if (!shared) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
    shared = new OpenApiChecker(JSON.parse(readFileSync(file, "utf8")) as JsonObject);
  }
  return shared;
}

export function formatViolation(violation: OpenApiViolation): string {
  return `${violation.operationId} (${violation.method} ${violation.path}): ${violation.where}: ${violation.message}`;
}

function compileTemplate(
  template: string,
  parameters: Parameter[],
): { pattern: RegExp; paramNames: string[]; literalLength: number } {
  const paramNames: string[] = [];
  let literalLength = 0;
  const source = template.replace(/\{([^}]+)\}|[^{]+/g, (token, name: string | undefined) => {
    if (name === undefined) {
      literalLength += token.length;
      return token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
    paramNames.push(name);
    const multiSegment = parameters.find((parameter) => parameter.name === name && parameter.in === "path")?.[
      "x-multi-segment"
    ];
    return multiSegment ? "(.+?)" : "([^/]+?)";
  });
  return { pattern: new RegExp(`^${source}/?$`), paramNames, literalLength };
}

/** Query and path values arrive as text; GitHub reads them as the schema's type. */
function coerceParameter(raw: string, schema: JsonObject): unknown {
  switch (schema.type) {
    case "integer":
    case "number":
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "array":
      return raw === "" ? [] : raw.split(",").map((item) => coerceParameter(item, (schema.items as JsonObject) ?? {}));
    default:
      return raw;
  }
}

function describeErrors(errors: ErrorObject[] | null | undefined, subject: string): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((error) => `${subject}${error.instancePath} ${error.message ?? "is invalid"}${describeParams(error)}`)
    .join("; ");
}

function describeParams(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (params.allowedValues) return ` (${JSON.stringify(params.allowedValues)})`;
  if (params.additionalProperty) return ` ("${String(params.additionalProperty)}")`;
  return "";
}

/**
 * OpenAPI 3.0 schemas are almost JSON Schema. Ajv reads `nullable` only beside `type` and does not let it widen an
 * `enum`, so those spots are rewritten once, in place, into plain JSON Schema. Places where GitHub's responses are
 * known to carry values its description omits are widened here too, each with its reason. Returns the formats used.
 */
function adaptToJsonSchema(spec: JsonObject): Set<string> {
  const formats = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== "object") return;
    const schema = node as JsonObject;
    for (const [key, value] of Object.entries(schema)) {
      if (key !== "examples" && key !== "example") visit(value);
    }
    if (typeof schema.format === "string") formats.add(schema.format);
    if (schema.nullable !== true) return;
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
    if (schema.type === undefined) {
      delete schema.nullable;
      const rest = { ...schema };
      const composite = ["allOf", "anyOf", "oneOf", "$ref"].some((keyword) => keyword in rest);
      if (!composite) return; // `{nullable: true}` alone allows any value
      for (const keyword of Object.keys(schema)) delete schema[keyword];
      schema.anyOf = [rest, { type: "null" }];
    }
  };
  const components = spec.components as JsonObject;
  for (const part of [components.schemas, components.parameters, components.responses, spec.paths]) visit(part);

  const schemas = components.schemas as Record<string, JsonObject>;
  // A release asset whose upload failed is listed with state "starter", which the description's enum leaves out.
  const assetState = (schemas["release-asset"]?.properties as Record<string, JsonObject>).state;
  (assetState?.enum as unknown[]).push("starter");
  return formats;
}

function resolvePointer(document: JsonObject, pointer: string): JsonObject {
  let node: unknown = document;
  for (const part of pointer.split("/").slice(1)) {
    node = (node as JsonObject)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node as JsonObject;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
