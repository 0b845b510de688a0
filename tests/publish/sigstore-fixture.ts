/**
 * A Sigstore instance of our own, for offline tests: a Fulcio-like CA that issues a leaf certificate with GitHub
 * Actions' identity extensions, a Rekor-like log key that signs inclusion promises, the trusted root naming both,
 * and Sigstore bundles (DSSE over an in-toto statement) signed with the leaf's key.
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign, webcrypto, type KeyObject } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { dsse, json } from "@sigstore/core";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const b64 = (bytes: Buffer | ArrayBuffer | Uint8Array) => Buffer.from(bytes as Uint8Array).toString("base64");

/** A DER UTF8String, as Fulcio encodes its v2 extensions. */
function utf8String(value: string): ArrayBuffer {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > 127) throw new Error("fixture: extension value too long");
  return new Uint8Array([0x0c, bytes.length, ...bytes]).buffer;
}

export interface Identity {
  repository: string;
  /** The Build Signer URI's workflow path and ref, e.g. `.github/workflows/release-model.yml@refs/heads/main`. */
  workflow: string;
  issuer?: string;
}

export interface SigstoreFixture {
  trustedRoot: Record<string, unknown>;
  /** A bundle attesting `subjects`, signed as `identity` (by default the fixture's CA and log). */
  attest(
    subjects: { name: string; sha256: string }[],
    identity: Identity,
    options?: { ca?: "own" | "foreign" },
  ): Promise<Record<string, unknown>>;
}

async function certificateAuthority(name: string) {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as KeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: `CN=${name}, O=ctrain tests`,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { keys, certificate };
}

export async function sigstoreFixture(): Promise<SigstoreFixture> {
  const ca = await certificateAuthority("test-fulcio");
  const foreign = await certificateAuthority("someone-elses-fulcio");
  const log = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const logKey = log.publicKey.export({ format: "der", type: "spki" });
  const logId = createHash("sha256").update(logKey).digest();
  const start = new Date(Date.now() - 86_400_000).toISOString();
  const trustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: "https://rekor.test",
        hashAlgorithm: "SHA2_256",
        publicKey: { rawBytes: b64(logKey), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: { start } },
        logId: { keyId: b64(logId) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "ctrain tests", commonName: "test-fulcio" },
        uri: "https://fulcio.test",
        certChain: { certificates: [{ rawBytes: b64(ca.certificate.rawData) }] },
        validFor: { start },
      },
    ],
    ctlogs: [],
    timestampAuthorities: [],
  };

  return {
    trustedRoot,
    async attest(subjects, identity, options = {}) {
      const issuing = options.ca === "foreign" ? foreign : ca;
      const leafKeys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as KeyPair;
      const repositoryUri = `https://github.com/${identity.repository}`;
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: "02",
        subject: "",
        issuer: issuing.certificate.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 600_000),
        signingAlgorithm: SIGNING,
        publicKey: leafKeys.publicKey,
        signingKey: issuing.keys.privateKey,
        extensions: [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
          new x509.SubjectAlternativeNameExtension(
            [{ type: "url", value: `${repositoryUri}/${identity.workflow}` }],
            true,
          ),
          new x509.Extension(
            "1.3.6.1.4.1.57264.1.8",
            false,
            utf8String(identity.issuer ?? "https://token.actions.githubusercontent.com"),
          ),
          new x509.Extension("1.3.6.1.4.1.57264.1.12", false, utf8String(repositoryUri)),
        ],
      });
      const leafPrivate: KeyObject = createPrivateKey({
        key: Buffer.from(await webcrypto.subtle.exportKey("pkcs8", leafKeys.privateKey)),
        format: "der",
        type: "pkcs8",
      });

      const payloadType = "application/vnd.in-toto+json";
      const payload = Buffer.from(
        JSON.stringify({
          _type: "https://in-toto.io/Statement/v1",
          subject: subjects.map((subject) => ({ name: subject.name, digest: { sha256: subject.sha256 } })),
          predicateType: "https://slsa.dev/provenance/v1",
          predicate: { buildDefinition: { buildType: "https://actions.github.io/buildtypes/workflow/v1" } },
        }),
      );
      const signature = sign("sha256", dsse.preAuthEncoding(payloadType, payload), leafPrivate);
      const envelope = { payload: b64(payload), payloadType, signatures: [{ sig: b64(signature), keyid: "" }] };
      const body = Buffer.from(
        json.canonicalize({
          apiVersion: "0.0.1",
          kind: "dsse",
          spec: {
            envelopeHash: {
              algorithm: "sha256",
              value: createHash("sha256").update(JSON.stringify(envelope)).digest("hex"),
            },
            payloadHash: { algorithm: "sha256", value: createHash("sha256").update(payload).digest("hex") },
            signatures: [{ signature: b64(signature), verifier: b64(Buffer.from(leaf.toString("pem"))) }],
          },
        }),
      );
      const integratedTime = Math.floor(Date.now() / 1000);
      const logIndex = 42;
      const promise = sign(
        "sha256",
        Buffer.from(
          json.canonicalize({
            body: body.toString("base64"),
            integratedTime,
            logIndex,
            logID: logId.toString("hex"),
          }),
        ),
        log.privateKey,
      );
      return {
        // v0.1 lets a log entry prove its inclusion with a signed promise alone (later versions want a Merkle proof).
        mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1",
        verificationMaterial: {
          x509CertificateChain: { certificates: [{ rawBytes: b64(leaf.rawData) }] },
          tlogEntries: [
            {
              logIndex: String(logIndex),
              logId: { keyId: b64(logId) },
              kindVersion: { kind: "dsse", version: "0.0.1" },
              integratedTime: String(integratedTime),
              inclusionPromise: { signedEntryTimestamp: b64(promise) },
              canonicalizedBody: b64(body),
            },
          ],
          timestampVerificationData: {},
        },
        dsseEnvelope: envelope,
      };
    },
  };
}
