import { UserError } from "@ctrain/core";

/** Who must have signed a model's provenance: the repository and, optionally, the workflow that built it. */
export interface ExpectedSigner {
  /** `owner/name`. */
  repository: string;
  /**
   * The workflow that signed (the certificate's Build Signer URI, a reusable workflow when one did the signing):
   * `.github/workflows/release.yml` in `repository`, or `owner/name/.github/workflows/release.yml`.
   */
  workflow?: string;
  /** Default https://github.com. */
  serverUrl?: string;
  /** The OIDC issuer the signer's certificate names; default GitHub Actions'. */
  issuer?: string;
}

/** A file the attestation must cover. */
export interface AttestedFile {
  path: string;
  sha256: string;
}

export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
/** Fulcio's certificate extensions (1.3.6.1.4.1.57264.1.*), as GitHub Actions fills them. */
const OID_SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12";
const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

interface Statement {
  _type?: unknown;
  subject?: { name?: unknown; digest?: { sha256?: unknown } }[];
  predicateType?: unknown;
}

/**
 * Verifies a Sigstore bundle (what GitHub's attestations API stores) against trusted roots: the certificate chains
 * to a trusted CA at a timestamp a trusted log or timestamp authority vouches for, the signature over the DSSE
 * envelope holds, the certificate names the expected issuer, repository and workflow, and the in-toto statement's
 * subjects cover every file with its sha256. Throws a UserError naming what failed.
 */
export async function verifyAttestation(
  serializedBundle: unknown,
  trustedRoots: readonly unknown[],
  signer: ExpectedSigner,
  files: readonly AttestedFile[],
): Promise<{ signerWorkflow: string; predicateType: string }> {
  // Sigstore's libraries are loaded when an attestation is verified, not by every action that bundles this package.
  const [{ bundleFromJSON }, { Verifier, toSignedEntity, toTrustMaterial }, { TrustedRoot }, { X509Certificate }] =
    await Promise.all([
      import("@sigstore/bundle"),
      import("@sigstore/verify"),
      import("@sigstore/protobuf-specs"),
      import("@sigstore/core"),
    ]);
  const fail = (message: string, hint?: string): never => {
    throw new UserError(`the provenance attestation ${message}`, { location: "attestation", hint });
  };

  let bundle: ReturnType<typeof bundleFromJSON>;
  try {
    bundle = bundleFromJSON(serializedBundle);
  } catch (error) {
    const fields = (error as { fields?: unknown }).fields;
    const named = Array.isArray(fields) && fields.length > 0 ? ` (${fields.join(", ")})` : "";
    return fail(`is not a Sigstore bundle: ${(error as Error).message}${named}`);
  }
  if (bundle.content.$case !== "dsseEnvelope") return fail("holds no DSSE envelope (an in-toto statement)");
  const entity = toSignedEntity(bundle);
  // Without a timestamp the certificate chain would not be checked at all: one from a trusted log or TSA is required.
  if (entity.timestamps.length === 0) {
    fail("carries no timestamp from a transparency log or a timestamp authority");
  }
  const material = bundle.verificationMaterial.content;
  const certificateBytes =
    material.$case === "certificate"
      ? material.certificate.rawBytes
      : material.$case === "x509CertificateChain"
        ? material.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  if (!certificateBytes) return fail("is signed with a bare key, not a Fulcio certificate naming its workflow");

  const issuer = signer.issuer ?? GITHUB_ACTIONS_ISSUER;
  const problems: string[] = [];
  let verified = false;
  for (const root of trustedRoots) {
    try {
      const trust = toTrustMaterial(TrustedRoot.fromJSON(root));
      const verifier = new Verifier(trust, {
        tlogThreshold: 0,
        tsaThreshold: 0,
        // Where the root lists certificate transparency logs, the certificate must carry a signed timestamp of one.
        ctlogThreshold: trust.ctlogs.length > 0 ? 1 : 0,
      });
      verifier.verify(entity, { extensions: { issuer } });
      verified = true;
      break;
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (!verified) {
    fail(
      `does not verify against the trusted root: ${[...new Set(problems)].join("; ")}`,
      "a tampered or foreign attestation, or the wrong trusted root: on github.com, `gh attestation trusted-root` prints the roots of public-good Sigstore and GitHub's own",
    );
  }

  const certificate = X509Certificate.parse(Buffer.from(certificateBytes));
  const server = (signer.serverUrl ?? "https://github.com").replace(/\/+$/, "");
  const repositoryUri = `${server}/${signer.repository}`;
  const sourceRepository = certificate.extension(OID_SOURCE_REPOSITORY_URI)?.valueObj.subs[0]?.value.toString("utf8");
  if (sourceRepository?.toLowerCase() !== repositoryUri.toLowerCase()) {
    fail(
      `was signed for the repository ${sourceRepository ?? "(none named)"}, not ${repositoryUri}`,
      "fetch models only from the repository that built them, or set the expected repository",
    );
  }
  const signerWorkflow = certificate.subjectAltName ?? "";
  if (signer.workflow !== undefined) {
    const workflow = signer.workflow.replace(/^\/+/, "");
    const expected = workflow.startsWith(".github/") ? `${repositoryUri}/${workflow}` : `${server}/${workflow}`;
    if (!signerWorkflow.toLowerCase().startsWith(`${expected.toLowerCase()}@`)) {
      fail(
        `was signed by the workflow ${signerWorkflow || "(none named)"}, not ${expected}`,
        "set the expected workflow to the one that publishes your models",
      );
    }
  }

  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) fail(`has the payload type ${envelope.payloadType}`);
  let statement: Statement;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload).toString("utf8")) as Statement;
  } catch {
    return fail("holds a statement that is not JSON");
  }
  const digests = new Set(
    (Array.isArray(statement.subject) ? statement.subject : []).map((subject) => subject.digest?.sha256),
  );
  for (const file of files) {
    if (!digests.has(file.sha256)) {
      fail(`does not cover ${file.path} (sha256 ${file.sha256})`, "the file differs from the one that was attested");
    }
  }
  return {
    signerWorkflow,
    predicateType: typeof statement.predicateType === "string" ? statement.predicateType : "",
  };
}

/**
 * Trusted roots from a file: one JSON document, or JSON Lines of them as `gh attestation trusted-root` prints
 * (public-good Sigstore and GitHub's own).
 */
export function parseTrustedRoots(text: string, file: string): unknown[] {
  const trimmed = text.trim();
  const documents = trimmed.startsWith("[") ? [trimmed] : trimmed.split(/\r?\n/).filter((line) => line.trim());
  try {
    const roots = documents.flatMap((document) => {
      const parsed = JSON.parse(document) as unknown;
      return Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    });
    if (roots.length === 0) throw new Error("empty");
    return roots;
  } catch {
    // One pretty-printed document spans lines.
    try {
      return [JSON.parse(trimmed) as unknown];
    } catch (error) {
      throw new UserError(`${file} is not a Sigstore trusted root (JSON or JSON Lines): ${(error as Error).message}`, {
        location: file,
        hint: "write it with `gh attestation trusted-root > trusted_root.jsonl`",
      });
    }
  }
}
