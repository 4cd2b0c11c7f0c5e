import type { ElementType } from '../../bpmn/model.js';
import type { ElementBehaviour } from '../steps.js';
import { callActivityBehaviour } from './call-activity.js';
import { catchEventBehaviour } from './catch-events.js';
import { containerBehaviour } from './container.js';
import { eventBasedGatewayBehaviour } from './event-based-gateway.js';
import { conditionalGatewayBehaviour } from './gateways.js';
import { passThroughBehaviour } from './pass-through.js';
import { taskBehaviour } from './tasks.js';
import { throwEventBehaviour } from './throw-events.js';
import { userTaskBehaviour } from './user-task.js';

/**
 * What each BPMN element kind does at activation (Zeebe: BpmnElementProcessors). The multi-instance
 * body is not here: it activates without input mappings (processor/multi-instance.ts).
 */
export const BEHAVIOURS: Record<Exclude<ElementType, 'MULTI_INSTANCE_BODY'>, ElementBehaviour> = {
  PROCESS: containerBehaviour,
  SUB_PROCESS: containerBehaviour,
  EVENT_SUB_PROCESS: containerBehaviour,
  SERVICE_TASK: taskBehaviour,
  SEND_TASK: taskBehaviour,
  BUSINESS_RULE_TASK: taskBehaviour,
  SCRIPT_TASK: taskBehaviour,
  INTERMEDIATE_THROW_EVENT: throwEventBehaviour,
  END_EVENT: throwEventBehaviour,
  USER_TASK: userTaskBehaviour,
  START_EVENT: passThroughBehaviour,
  MANUAL_TASK: passThroughBehaviour,
  TASK: passThroughBehaviour,
  BOUNDARY_EVENT: passThroughBehaviour,
  PARALLEL_GATEWAY: passThroughBehaviour,
  INTERMEDIATE_CATCH_EVENT: catchEventBehaviour,
  RECEIVE_TASK: catchEventBehaviour,
  EXCLUSIVE_GATEWAY: conditionalGatewayBehaviour,
  INCLUSIVE_GATEWAY: conditionalGatewayBehaviour,
  EVENT_BASED_GATEWAY: eventBasedGatewayBehaviour,
  CALL_ACTIVITY: callActivityBehaviour,
};
