#!/usr/bin/env node
/*
 * Self-test of the verifier harness, independent of the Python issuer:
 * issues everything with the Digital Bazaar libraries only, then runs
 * verify.mjs as a child process and checks its answers.
 *
 * Run: node tests/verifiers/selftest.mjs   (exit 0 on success)
 */
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {gunzipSync} from 'node:zlib';
import path from 'node:path';
import assert from 'node:assert/strict';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createSignCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {createList, createCredential as createStatusListCredential} from
  '@digitalbazaar/vc-bitstring-status-list';
import {makeDocumentLoader, MULTIKEY_CONTEXT_V1_URL} from './verify.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const VERIFY = path.join(HERE, 'verify.mjs');

const VC2 = 'https://www.w3.org/ns/credentials/v2';
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const CUSTOM_CTX_URL = 'https://issuer.test/contexts/v1';
const ISSUER = 'did:web:issuer.test';
const KEY_ID = `${ISSUER}#key-1`;
const REVOCATION_LIST = 'https://issuer.test/status/revocation/0';
const SUSPENSION_LIST = 'https://issuer.test/status/suspension/0';
const LIST_LENGTH = 131072;
const REVOKED_INDEX = 42;
const SUSPENDED_INDEX = 77;
const VALID_FROM = '2026-01-01T00:00:00Z';
const NOW = '2026-12-01T00:00:00Z';

const customContext = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    ExampleCredential: 'https://issuer.test/vocab#ExampleCredential',
    nina: 'https://issuer.test/vocab#nina',
  },
};

async function makeIssuer({did, keyId}) {
  const keyPair = await Ed25519Multikey.generate({id: keyId, controller: did});
  const publicKey = await keyPair.export({publicKey: true});
  const didDocument = {
    '@context': [DID_V1, MULTIKEY_CONTEXT_V1_URL],
    id: did,
    verificationMethod: [publicKey],
    assertionMethod: [publicKey.id],
  };
  return {keyPair, didDocument};
}

async function sign({keyPair, credential, documentLoader}) {
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(), cryptosuite: createSignCryptosuite(),
    date: '2026-01-01T00:00:00Z',
  });
  return vc.issue({credential, suite, documentLoader, now: NOW});
}

async function statusList({keyPair, id, purpose, setIndex, documentLoader}) {
  const list = await createList({length: LIST_LENGTH});
  list.setStatus(setIndex, true);
  const unsigned = await createStatusListCredential(
    {id, list, statusPurpose: purpose});
  unsigned.issuer = ISSUER;
  unsigned.validFrom = VALID_FROM;
  return sign({keyPair, credential: unsigned, documentLoader});
}

function entry({list, purpose, index}) {
  return {
    id: `${list}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: list,
  };
}

function example({issuer = ISSUER, nina, credentialStatus}) {
  const c = {
    '@context': [VC2, CUSTOM_CTX_URL],
    type: ['VerifiableCredential', 'ExampleCredential'],
    issuer,
    validFrom: VALID_FROM,
    credentialSubject: {id: 'did:example:subject', nina},
  };
  if(credentialStatus) {
    c.credentialStatus = credentialStatus;
  }
  return c;
}

function runVerifier(request) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VERIFY],
      {stdio: ['pipe', 'pipe', 'pipe']});
    let out = '';
    let err = '';
    child.stdout.on('data', d => out += d);
    child.stderr.on('data', d => err += d);
    child.on('error', reject);
    child.on('close', code => {
      if(code !== 0) {
        reject(new Error(`verify.mjs exited ${code}: ${err}${out}`));
        return;
      }
      try {
        resolve(JSON.parse(out));
      } catch(e) {
        reject(new Error(`verify.mjs wrote no JSON: ${out}\n${err}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

async function main() {
  const {keyPair, didDocument} = await makeIssuer(
    {did: ISSUER, keyId: KEY_ID});
  const documents = {
    [ISSUER]: didDocument,
    [CUSTOM_CTX_URL]: customContext,
  };
  // the issuing side uses the same local-only loader
  const documentLoader = makeDocumentLoader(documents);

  const revocationList = await statusList({keyPair, id: REVOCATION_LIST,
    purpose: 'revocation', setIndex: REVOKED_INDEX, documentLoader});
  const suspensionList = await statusList({keyPair, id: SUSPENSION_LIST,
    purpose: 'suspension', setIndex: SUSPENDED_INDEX, documentLoader});
  documents[REVOCATION_LIST] = revocationList;
  documents[SUSPENSION_LIST] = suspensionList;

  // bit order: index 42 = byte 5, mask 0x80 >> 2 (index 0 is the MSB of
  // byte 0); gzip then base64url (no padding) with multibase prefix "u"
  const {encodedList} = revocationList.credentialSubject;
  assert.equal(encodedList[0], 'u');
  const bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  assert.equal(bytes.length, LIST_LENGTH / 8);
  assert.equal(bytes[5], 0x20);
  assert.equal(bytes.reduce((n, b) => n + (b ? 1 : 0), 0), 1);

  const good = await sign({keyPair, documentLoader, credential: example({
    nina: 'alpha',
    credentialStatus: entry(
      {list: REVOCATION_LIST, purpose: 'revocation', index: 7}),
  })});
  const revoked = await sign({keyPair, documentLoader, credential: example({
    nina: 'beta',
    credentialStatus: entry(
      {list: REVOCATION_LIST, purpose: 'revocation', index: REVOKED_INDEX}),
  })});
  const tampered = structuredClone(good);
  tampered.credentialSubject.nina = 'gamma';

  // two entries, as the Python issuer will issue them
  const twoOk = await sign({keyPair, documentLoader, credential: example({
    nina: 'delta',
    credentialStatus: [
      entry({list: REVOCATION_LIST, purpose: 'revocation', index: 8}),
      entry({list: SUSPENSION_LIST, purpose: 'suspension', index: 8}),
    ],
  })});
  const suspended = await sign({keyPair, documentLoader, credential: example({
    nina: 'epsilon',
    credentialStatus: [
      entry({list: REVOCATION_LIST, purpose: 'revocation', index: 9}),
      entry({list: SUSPENSION_LIST, purpose: 'suspension',
        index: SUSPENDED_INDEX}),
    ],
  })});

  // issuer whose DID document the verifier is not given
  const stranger = await makeIssuer(
    {did: 'did:web:stranger.test', keyId: 'did:web:stranger.test#key-1'});
  const strangerDocs = {...documents,
    'did:web:stranger.test': stranger.didDocument};
  const orphan = await sign({keyPair: stranger.keyPair,
    documentLoader: makeDocumentLoader(strangerDocs),
    credential: example({issuer: 'did:web:stranger.test', nina: 'zeta'})});

  const {results} = await runVerifier({
    documents,
    credentials: [good, tampered, revoked, orphan, twoOk, suspended],
    checkStatus: true,
    now: NOW,
  });
  const [rGood, rTampered, rRevoked, rOrphan, rTwoOk, rSuspended] = results;
  const show = (name, r) => console.log(
    `${name.padEnd(10)} verified=${r.verified} status=${JSON.stringify(
      r.status.map(({purpose, index, set, verified}) =>
        ({purpose, index, set, verified})))}` +
    (r.errors.length ? `\n           errors: ${r.errors.join(' || ')}` : ''));
  show('good', rGood);
  show('tampered', rTampered);
  show('revoked', rRevoked);
  show('orphan', rOrphan);
  show('two-ok', rTwoOk);
  show('suspended', rSuspended);

  assert.equal(rGood.verified, true, JSON.stringify(rGood));
  assert.deepEqual(rGood.errors, []);
  assert.equal(rGood.status.length, 1);
  assert.deepEqual(
    (({purpose, index, set, verified}) => ({purpose, index, set, verified}))(
      rGood.status[0]),
    {purpose: 'revocation', index: '7', set: false, verified: true});

  assert.equal(rTampered.verified, false);
  assert.ok(rTampered.errors.some(e => /Invalid signature/.test(e)),
    rTampered.errors.join('\n'));

  assert.equal(rRevoked.verified, false);
  assert.ok(rRevoked.errors.some(e => /revoked/.test(e)),
    rRevoked.errors.join('\n'));
  assert.equal(rRevoked.status[0].set, true);
  assert.equal(rRevoked.status[0].verified, true);
  assert.equal(rRevoked.status[0].index, String(REVOKED_INDEX));

  assert.equal(rOrphan.verified, false);
  assert.ok(rOrphan.errors.some(e => e.includes('did:web:stranger.test')),
    rOrphan.errors.join('\n'));

  assert.equal(rTwoOk.verified, true, JSON.stringify(rTwoOk));
  assert.deepEqual(rTwoOk.status.map(s => [s.purpose, s.set, s.verified]),
    [['revocation', false, true], ['suspension', false, true]]);

  assert.equal(rSuspended.verified, false);
  assert.ok(rSuspended.errors.some(e => /suspended/.test(e)));
  assert.deepEqual(rSuspended.status.map(s => [s.purpose, s.set]),
    [['revocation', false], ['suspension', true]]);

  // `now` is honoured: before validFrom fails
  const early = await runVerifier({documents, credentials: [good],
    checkStatus: true, now: '2025-06-01T00:00:00Z'});
  assert.equal(early.results[0].verified, false);
  assert.ok(early.results[0].errors.some(e => /validFrom/.test(e)));
  console.log(`early      verified=false errors: ${
    early.results[0].errors.join(' || ')}`);

  // opt-in JSON-LD safe mode: the library itself ignores undefined terms
  const sloppy = await sign({keyPair, documentLoader, credential: example(
    {nina: 'eta'})});
  sloppy.credentialSubject.notInAnyContext = 1;
  const sloppySigned = await sign({keyPair, documentLoader, credential: (
    ({proof, ...rest}) => rest)(sloppy)});
  const safe = await runVerifier({documents, credentials: [good, sloppySigned],
    checkStatus: true, now: NOW, expandSafe: true});
  assert.equal(safe.results[0].verified, true,
    JSON.stringify(safe.results[0]));
  assert.equal(safe.results[1].verified, false);
  assert.ok(safe.results[1].errors.some(e => /notInAnyContext/.test(e)));
  const lax = await runVerifier({documents, credentials: [sloppySigned],
    checkStatus: true, now: NOW});
  assert.equal(lax.results[0].verified, true);
  console.log('undefined term: library verified=true; expandSafe ' +
    'verified=false');

  console.log('selftest: 10 passed, 0 failed');
}

main().catch(e => {
  console.error('selftest FAILED:', e);
  process.exit(1);
});
