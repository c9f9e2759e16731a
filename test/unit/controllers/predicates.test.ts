import { describe, expect, it } from 'vitest';
import {
  and,
  annotationsChanged,
  deletionTimestampSet,
  generationChanged,
  labelsChanged,
  or,
  type ObjectWithMeta,
  type Predicate,
} from '../../../src/controllers/predicates.js';

const obj = (metadata: ObjectWithMeta['metadata']): ObjectWithMeta => ({ metadata });
const yes: Predicate = () => true;
const no: Predicate = () => false;

describe('predicates', () => {
  it.each<{ name: string; predicate: Predicate; old: ObjectWithMeta | undefined; next: ObjectWithMeta; want: boolean }>([
    { name: 'generationChanged accepts an object with no previous copy', predicate: generationChanged, old: undefined, next: obj({ generation: 1 }), want: true },
    { name: 'generationChanged accepts a spec change', predicate: generationChanged, old: obj({ generation: 1 }), next: obj({ generation: 2 }), want: true },
    { name: 'generationChanged ignores a status-only update', predicate: generationChanged, old: obj({ generation: 2 }), next: obj({ generation: 2 }), want: false },
    { name: 'labelsChanged accepts an added label', predicate: labelsChanged, old: obj({}), next: obj({ labels: { a: '1' } }), want: true },
    { name: 'labelsChanged accepts a changed value', predicate: labelsChanged, old: obj({ labels: { a: '1' } }), next: obj({ labels: { a: '2' } }), want: true },
    { name: 'labelsChanged accepts a renamed key', predicate: labelsChanged, old: obj({ labels: { a: '1' } }), next: obj({ labels: { b: '1' } }), want: true },
    { name: 'labelsChanged ignores reordered labels', predicate: labelsChanged, old: obj({ labels: { a: '1', b: '2' } }), next: obj({ labels: { b: '2', a: '1' } }), want: false },
    { name: 'labelsChanged treats no labels and empty labels alike', predicate: labelsChanged, old: obj({}), next: obj({ labels: {} }), want: false },
    { name: 'annotationsChanged accepts a removed annotation', predicate: annotationsChanged, old: obj({ annotations: { a: '1' } }), next: obj({}), want: true },
    { name: 'annotationsChanged ignores an unchanged set', predicate: annotationsChanged, old: obj({ annotations: { a: '1' } }), next: obj({ annotations: { a: '1' } }), want: false },
    { name: 'deletionTimestampSet accepts an object just marked for deletion', predicate: deletionTimestampSet, old: obj({}), next: obj({ deletionTimestamp: new Date() }), want: true },
    { name: 'deletionTimestampSet accepts a watch event whose timestamp is a string', predicate: deletionTimestampSet, old: obj({}), next: obj({ deletionTimestamp: '2026-01-01T00:00:00Z' }), want: true },
    { name: 'deletionTimestampSet accepts an update to an object already being deleted', predicate: deletionTimestampSet, old: obj({ deletionTimestamp: 'x' }), next: obj({ deletionTimestamp: 'x' }), want: true },
    { name: 'deletionTimestampSet ignores a live object', predicate: deletionTimestampSet, old: obj({}), next: obj({}), want: false },
    { name: 'and accepts when every predicate does', predicate: and(yes, yes), old: obj({}), next: obj({}), want: true },
    { name: 'and refuses when one predicate does', predicate: and(yes, no), old: obj({}), next: obj({}), want: false },
    { name: 'and of nothing accepts', predicate: and(), old: obj({}), next: obj({}), want: true },
    { name: 'or accepts when one predicate does', predicate: or(no, yes), old: obj({}), next: obj({}), want: true },
    { name: 'or of nothing refuses', predicate: or(), old: obj({}), next: obj({}), want: false },
    {
      name: 'or(generationChanged, deletionTimestampSet) accepts a deletion without a spec change',
      predicate: or(generationChanged, deletionTimestampSet),
      old: obj({ generation: 3 }),
      next: obj({ generation: 3, deletionTimestamp: 'x' }),
      want: true,
    },
  ])('$name', ({ predicate, old, next, want }) => {
    expect(predicate(old, next)).toBe(want);
  });
});
