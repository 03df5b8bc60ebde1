// The answers a command's prompts got, replayed by its Retry (src/extension/ui/answerReplay.ts): in order, each to the
// prompt it was given for, stopping at the first it cannot answer; runs at once keep their own.
import * as assert from 'node:assert/strict';
import { AnswerSession, answering, currentSession, replayFiles, replayPick, replayText, type Answer, type PromptKey } from '../../src/extension/ui/answerReplay';

const platforms: PromptKey = { kind: 'pickMany', title: 'Copy to Registry', question: 'Platforms to copy' };
const referrers: PromptKey = { kind: 'pickOne', title: 'Copy to Registry', question: 'Copy them too?' };
const destination: PromptKey = { kind: 'destination', title: 'Copy to Registry', question: 'Pick an added repository' };
const amd64 = { label: 'linux/amd64', description: 'sha256:aa' };
const arm64 = { label: 'linux/arm64', description: 'sha256:bb' };
const withThem = { label: 'With its referrers', description: 'SBOM', value: true };
const without = { label: 'Without referrers', description: 'the image alone', value: false };

/** What a first run recorded: amd64 of the two, without referrers, to reg/team/app:v1. */
const recorded: Answer[] = [
  { ...platforms, kind: 'pickMany', chosen: [amd64], offered: [amd64, arm64] },
  { ...referrers, kind: 'pickOne', chosen: [{ label: without.label, description: without.description }], offered: [withThem, without] },
  { ...destination, kind: 'destination', text: 'reg/team/app:v1' },
];

describe('extension: answers replayed by Retry', () => {
  it('answers each prompt in order from the new lists, the very items (not copies) being returned', () => {
    const s = new AnswerSession(recorded);
    const newAmd64 = { ...amd64, platform: 'x' };
    assert.deepEqual(replayPick(s, platforms, [newAmd64, { ...arm64 }]), [newAmd64]);
    const picked = replayPick(s, referrers, [{ ...withThem }, { ...without }]);
    assert.equal(picked?.[0]?.value, false);
    assert.equal(replayText(s, destination), 'reg/team/app:v1');
    assert.equal(s.replaying, false);
  });

  it('an item gone from the new list stops the replay there: that prompt and every later one are shown', () => {
    const s = new AnswerSession(recorded);
    assert.ok(replayPick(s, platforms, [amd64, arm64]));
    // The referrers changed: "Without referrers" now says something else.
    assert.equal(replayPick(s, referrers, [withThem, { ...without, description: 'another' }]), undefined);
    assert.equal(s.replaying, false);
    assert.equal(replayText(s, destination), undefined);
  });

  it('a pick of several replays only over the list the user answered (what was left unchecked is an answer too)', () => {
    const riscv = { label: 'linux/riscv64', description: 'sha256:cc' };
    assert.equal(replayPick(new AnswerSession(recorded), platforms, [amd64, arm64, riscv]), undefined);
    assert.equal(replayPick(new AnswerSession(recorded), platforms, [amd64]), undefined);
    // A pick of one needs only its item.
    const s = new AnswerSession(recorded.slice(1));
    assert.deepEqual(replayPick(s, referrers, [without]), [without]);
  });

  it('a prompt of another kind or other words than the next recorded one stops the replay', () => {
    assert.equal(replayPick(new AnswerSession(recorded), { ...platforms, question: 'Tags to remove' }, [amd64, arm64]), undefined);
    assert.equal(replayPick(new AnswerSession(recorded), { ...platforms, title: 'Copy to Layout' }, [amd64, arm64]), undefined);
    assert.equal(replayText(new AnswerSession(recorded), { ...platforms, kind: 'input' }), undefined);
    const s = new AnswerSession(recorded);
    assert.equal(replayText(s, destination), undefined, 'the destination is third, not first');
    assert.equal(replayPick(s, platforms, [amd64, arm64]), undefined, 'stopped: nothing after is replayed');
  });

  it('files are replayed as the URIs recorded; no session (a prompt outside a command) replays nothing', () => {
    const files: PromptKey = { kind: 'files', title: 'reg: the CA certificate', question: 'Trust' };
    assert.deepEqual(replayFiles(new AnswerSession([{ ...files, kind: 'files', uris: ['file:///tmp/ca.crt'] }]), files), ['file:///tmp/ca.crt']);
    assert.equal(replayFiles(undefined, files), undefined);
    assert.equal(replayPick(undefined, platforms, [amd64]), undefined);
  });

  it('records into the session of the run the prompt belongs to, with runs at once kept apart; a closed run records nothing', async () => {
    const a = new AnswerSession();
    const b = new AnswerSession();
    const tick = () => new Promise((r) => setTimeout(r, 1));
    const ask = async (text: string) => {
      for (let i = 0; i < 3; i++) {
        await tick();
        currentSession()?.record({ kind: 'input', title: 't', text: `${text}${i}` });
      }
      return text;
    };
    assert.deepEqual(await Promise.all([answering(a, () => ask('a')), answering(b, () => ask('b'))]), ['a', 'b']);
    assert.deepEqual(a.answers.map((x) => (x.kind === 'input' ? x.text : '')), ['a0', 'a1', 'a2']);
    assert.deepEqual(b.answers.map((x) => (x.kind === 'input' ? x.text : '')), ['b0', 'b1', 'b2']);
    assert.equal(currentSession(), undefined);
    a.record({ kind: 'input', text: 'late' });
    assert.equal(a.answers.length, 3);
    // A failed run keeps what it recorded, for the Retry its error offers.
    const c = new AnswerSession();
    await assert.rejects(answering(c, async () => (await ask('c'), Promise.reject(new Error('UNTRUSTED')))));
    assert.equal(c.answers.length, 3);
  });
});
