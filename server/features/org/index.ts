// The org feature's public surface for other features: the structure and the manager's scope.
export { managedUnits, UnitTree, type UnitNode } from './org.tree.js';
