// Construct ids derived from a value: the core content id (so adding a value does not renumber the others).
export { contentId as shortHash } from '../../core/content-id';
