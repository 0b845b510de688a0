import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
import{RequestTimeoutError,faultOf,inertLog}from"./chunk-ER6RWLQS.js";import"./chunk-W7BN6TYU.js";import{defaults,getOctokit,require_light,retry}from"./chunk-DUBR6XOY.js";import{debug}from"./chunk-QKBPMI2O.js";import{__commonJS,__toESM}from"./chunk-CYMWRC4B.js";var require_parser=__commonJS({"node_modules/bottleneck/lib/parser.js"(exports2){"use strict";exports2.load=function(received,defaults2,onto={}){var k,ref,v;for(k in defaults2)v=defaults2[k],onto[k]=(ref=received[k])!=null?ref:v;return onto};exports2.overwrite=function(received,defaults2,onto={}){var k,v;for(k in received)v=received[k],defaults2[k]!==void 0&&(onto[k]=v);return onto}}});var require_DLList=__commonJS({"node_modules/bottleneck/lib/DLList.js"(exports2,module2){"use strict";var DLList;DLList=class{constructor(incr,decr){this.incr=incr,this.decr=decr,this._first=null,this._last=null,this.length=0}push(value){var node;this.length++,typeof this.incr=="function"&&this.incr(),node={value,prev:this._last,next:null},this._last!=null?(this._last.next=node,this._last=node):this._first=this._last=node}shift(){var value;if(this._first!=null)return this.length--,typeof this.decr=="function"&&this.decr(),value=this._first.value,(this._first=this._first.next)!=null?this._first.prev=null:this._last=null,value}first(){if(this._first!=null)return this._first.value}getArray(){var node,ref,results;for(node=this._first,results=[];node!=null;)results.push((ref=node,node=node.next,ref.value));return results}forEachShift(cb){var node;for(node=this.shift();node!=null;)cb(node),node=this.shift()}debug(){var node,ref,ref1,ref2,results;for(node=this._first,results=[];node!=null;)results.push((ref=node,node=node.next,{value:ref.value,prev:(ref1=ref.prev)!=null?ref1.value:void 0,next:(ref2=ref.next)!=null?ref2.value:void 0}));return results}};module2.exports=DLList}});var require_Events=__commonJS({"node_modules/bottleneck/lib/Events.js"(exports2,module2){"use strict";function asyncGeneratorStep2(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator2(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var Events2;Events2=class{constructor(instance){if(this.instance=instance,this._events={},this.instance.on!=null||this.instance.once!=null||this.instance.removeAllListeners!=null)throw new Error("An Emitter already exists for this object");this.instance.on=(name,cb)=>this._addListener(name,"many",cb),this.instance.once=(name,cb)=>this._addListener(name,"once",cb),this.instance.removeAllListeners=(name=null)=>name!=null?delete this._events[name]:this._events={}}_addListener(name,status,cb){var base;return(base=this._events)[name]==null&&(base[name]=[]),this._events[name].push({cb,status}),this.instance}listenerCount(name){return this._events[name]!=null?this._events[name].length:0}trigger(name,...args){var _this=this;return _asyncToGenerator2(function*(){var e,promises;try{return name!=="debug"&&_this.trigger("debug",`Event triggered: ${name}`,args),_this._events[name]==null?void 0:(_this._events[name]=_this._events[name].filter(function(listener){return listener.status!=="none"}),promises=_this._events[name].map((function(){var _ref=_asyncToGenerator2(function*(listener){var e2,returned;if(listener.status!=="none"){listener.status==="once"&&(listener.status="none");try{return returned=typeof listener.cb=="function"?listener.cb(...args):void 0,typeof returned?.then=="function"?yield returned:returned}catch(error){return e2=error,_this.trigger("error",e2),null}}});return function(_x){return _ref.apply(this,arguments)}})()),(yield Promise.all(promises)).find(function(x){return x!=null}))}catch(error){return e=error,_this.trigger("error",e),null}})()}};module2.exports=Events2}});var require_Queues=__commonJS({"node_modules/bottleneck/lib/Queues.js"(exports2,module2){"use strict";var DLList,Events2,Queues;DLList=require_DLList();Events2=require_Events();Queues=class{constructor(num_priorities){var i;this.Events=new Events2(this),this._length=0,this._lists=function(){var j,ref,results;for(results=[],i=j=1,ref=num_priorities;1<=ref?j<=ref:j>=ref;i=1<=ref?++j:--j)results.push(new DLList(()=>this.incr(),()=>this.decr()));return results}.call(this)}incr(){if(this._length++===0)return this.Events.trigger("leftzero")}decr(){if(--this._length===0)return this.Events.trigger("zero")}push(job){return this._lists[job.options.priority].push(job)}queued(priority){return priority!=null?this._lists[priority].length:this._length}shiftAll(fn){return this._lists.forEach(function(list){return list.forEachShift(fn)})}getFirst(arr=this._lists){var j,len,list;for(j=0,len=arr.length;j<len;j++)if(list=arr[j],list.length>0)return list;return[]}shiftLastFrom(priority){return this.getFirst(this._lists.slice(priority).reverse()).shift()}};module2.exports=Queues}});var require_BottleneckError=__commonJS({"node_modules/bottleneck/lib/BottleneckError.js"(exports2,module2){"use strict";var BottleneckError;BottleneckError=class extends Error{};module2.exports=BottleneckError}});var require_Job=__commonJS({"node_modules/bottleneck/lib/Job.js"(exports2,module2){"use strict";function asyncGeneratorStep2(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator2(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var BottleneckError,DEFAULT_PRIORITY,Job,NUM_PRIORITIES,parser2;NUM_PRIORITIES=10;DEFAULT_PRIORITY=5;parser2=require_parser();BottleneckError=require_BottleneckError();Job=class{constructor(task,args,options2,jobDefaults,rejectOnDrop,Events2,_states,Promise2){this.task=task,this.args=args,this.rejectOnDrop=rejectOnDrop,this.Events=Events2,this._states=_states,this.Promise=Promise2,this.options=parser2.load(options2,jobDefaults),this.options.priority=this._sanitizePriority(this.options.priority),this.options.id===jobDefaults.id&&(this.options.id=`${this.options.id}-${this._randomIndex()}`),this.promise=new this.Promise((_resolve,_reject)=>{this._resolve=_resolve,this._reject=_reject}),this.retryCount=0}_sanitizePriority(priority){var sProperty;return sProperty=~~priority!==priority?DEFAULT_PRIORITY:priority,sProperty<0?0:sProperty>NUM_PRIORITIES-1?NUM_PRIORITIES-1:sProperty}_randomIndex(){return Math.random().toString(36).slice(2)}doDrop({error,message="This job has been dropped by Bottleneck"}={}){return this._states.remove(this.options.id)?(this.rejectOnDrop&&this._reject(error??new BottleneckError(message)),this.Events.trigger("dropped",{args:this.args,options:this.options,task:this.task,promise:this.promise}),!0):!1}_assertStatus(expected){var status;if(status=this._states.jobStatus(this.options.id),!(status===expected||expected==="DONE"&&status===null))throw new BottleneckError(`Invalid job status ${status}, expected ${expected}. Please open an issue at https://github.com/SGrondin/bottleneck/issues`)}doReceive(){return this._states.start(this.options.id),this.Events.trigger("received",{args:this.args,options:this.options})}doQueue(reachedHWM,blocked){return this._assertStatus("RECEIVED"),this._states.next(this.options.id),this.Events.trigger("queued",{args:this.args,options:this.options,reachedHWM,blocked})}doRun(){return this.retryCount===0?(this._assertStatus("QUEUED"),this._states.next(this.options.id)):this._assertStatus("EXECUTING"),this.Events.trigger("scheduled",{args:this.args,options:this.options})}doExecute(chained,clearGlobalState,run,free){var _this=this;return _asyncToGenerator2(function*(){var error,eventInfo,passed;_this.retryCount===0?(_this._assertStatus("RUNNING"),_this._states.next(_this.options.id)):_this._assertStatus("EXECUTING"),eventInfo={args:_this.args,options:_this.options,retryCount:_this.retryCount},_this.Events.trigger("executing",eventInfo);try{if(passed=yield chained!=null?chained.schedule(_this.options,_this.task,..._this.args):_this.task(..._this.args),clearGlobalState())return _this.doDone(eventInfo),yield free(_this.options,eventInfo),_this._assertStatus("DONE"),_this._resolve(passed)}catch(error1){return error=error1,_this._onFailure(error,eventInfo,clearGlobalState,run,free)}})()}doExpire(clearGlobalState,run,free){var error,eventInfo;return this._states.jobStatus(this.options.id==="RUNNING")&&this._states.next(this.options.id),this._assertStatus("EXECUTING"),eventInfo={args:this.args,options:this.options,retryCount:this.retryCount},error=new BottleneckError(`This job timed out after ${this.options.expiration} ms.`),this._onFailure(error,eventInfo,clearGlobalState,run,free)}_onFailure(error,eventInfo,clearGlobalState,run,free){var _this2=this;return _asyncToGenerator2(function*(){var retry2,retryAfter;if(clearGlobalState())return retry2=yield _this2.Events.trigger("failed",error,eventInfo),retry2!=null?(retryAfter=~~retry2,_this2.Events.trigger("retry",`Retrying ${_this2.options.id} after ${retryAfter} ms`,eventInfo),_this2.retryCount++,run(retryAfter)):(_this2.doDone(eventInfo),yield free(_this2.options,eventInfo),_this2._assertStatus("DONE"),_this2._reject(error))})()}doDone(eventInfo){return this._assertStatus("EXECUTING"),this._states.next(this.options.id),this.Events.trigger("done",eventInfo)}};module2.exports=Job}});var require_LocalDatastore=__commonJS({"node_modules/bottleneck/lib/LocalDatastore.js"(exports2,module2){"use strict";function asyncGeneratorStep2(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator2(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var BottleneckError,LocalDatastore,parser2;parser2=require_parser();BottleneckError=require_BottleneckError();LocalDatastore=class{constructor(instance,storeOptions,storeInstanceOptions){this.instance=instance,this.storeOptions=storeOptions,this.clientId=this.instance._randomIndex(),parser2.load(storeInstanceOptions,storeInstanceOptions,this),this._nextRequest=this._lastReservoirRefresh=this._lastReservoirIncrease=Date.now(),this._running=0,this._done=0,this._unblockTime=0,this.ready=this.Promise.resolve(),this.clients={},this._startHeartbeat()}_startHeartbeat(){var base;return this.heartbeat==null&&(this.storeOptions.reservoirRefreshInterval!=null&&this.storeOptions.reservoirRefreshAmount!=null||this.storeOptions.reservoirIncreaseInterval!=null&&this.storeOptions.reservoirIncreaseAmount!=null)?typeof(base=this.heartbeat=setInterval(()=>{var amount,incr,maximum,now,reservoir;if(now=Date.now(),this.storeOptions.reservoirRefreshInterval!=null&&now>=this._lastReservoirRefresh+this.storeOptions.reservoirRefreshInterval&&(this._lastReservoirRefresh=now,this.storeOptions.reservoir=this.storeOptions.reservoirRefreshAmount,this.instance._drainAll(this.computeCapacity())),this.storeOptions.reservoirIncreaseInterval!=null&&now>=this._lastReservoirIncrease+this.storeOptions.reservoirIncreaseInterval){var _this$storeOptions=this.storeOptions;if(amount=_this$storeOptions.reservoirIncreaseAmount,maximum=_this$storeOptions.reservoirIncreaseMaximum,reservoir=_this$storeOptions.reservoir,this._lastReservoirIncrease=now,incr=maximum!=null?Math.min(amount,maximum-reservoir):amount,incr>0)return this.storeOptions.reservoir+=incr,this.instance._drainAll(this.computeCapacity())}},this.heartbeatInterval)).unref=="function"?base.unref():void 0:clearInterval(this.heartbeat)}__publish__(message){var _this=this;return _asyncToGenerator2(function*(){return yield _this.yieldLoop(),_this.instance.Events.trigger("message",message.toString())})()}__disconnect__(flush){var _this2=this;return _asyncToGenerator2(function*(){return yield _this2.yieldLoop(),clearInterval(_this2.heartbeat),_this2.Promise.resolve()})()}yieldLoop(t=0){return new this.Promise(function(resolve,reject){return setTimeout(resolve,t)})}computePenalty(){var ref;return(ref=this.storeOptions.penalty)!=null?ref:15*this.storeOptions.minTime||5e3}__updateSettings__(options2){var _this3=this;return _asyncToGenerator2(function*(){return yield _this3.yieldLoop(),parser2.overwrite(options2,options2,_this3.storeOptions),_this3._startHeartbeat(),_this3.instance._drainAll(_this3.computeCapacity()),!0})()}__running__(){var _this4=this;return _asyncToGenerator2(function*(){return yield _this4.yieldLoop(),_this4._running})()}__queued__(){var _this5=this;return _asyncToGenerator2(function*(){return yield _this5.yieldLoop(),_this5.instance.queued()})()}__done__(){var _this6=this;return _asyncToGenerator2(function*(){return yield _this6.yieldLoop(),_this6._done})()}__groupCheck__(time){var _this7=this;return _asyncToGenerator2(function*(){return yield _this7.yieldLoop(),_this7._nextRequest+_this7.timeout<time})()}computeCapacity(){var maxConcurrent,reservoir,_this$storeOptions2=this.storeOptions;return maxConcurrent=_this$storeOptions2.maxConcurrent,reservoir=_this$storeOptions2.reservoir,maxConcurrent!=null&&reservoir!=null?Math.min(maxConcurrent-this._running,reservoir):maxConcurrent!=null?maxConcurrent-this._running:reservoir??null}conditionsCheck(weight){var capacity;return capacity=this.computeCapacity(),capacity==null||weight<=capacity}__incrementReservoir__(incr){var _this8=this;return _asyncToGenerator2(function*(){var reservoir;return yield _this8.yieldLoop(),reservoir=_this8.storeOptions.reservoir+=incr,_this8.instance._drainAll(_this8.computeCapacity()),reservoir})()}__currentReservoir__(){var _this9=this;return _asyncToGenerator2(function*(){return yield _this9.yieldLoop(),_this9.storeOptions.reservoir})()}isBlocked(now){return this._unblockTime>=now}check(weight,now){return this.conditionsCheck(weight)&&this._nextRequest-now<=0}__check__(weight){var _this10=this;return _asyncToGenerator2(function*(){var now;return yield _this10.yieldLoop(),now=Date.now(),_this10.check(weight,now)})()}__register__(index,weight,expiration){var _this11=this;return _asyncToGenerator2(function*(){var now,wait;return yield _this11.yieldLoop(),now=Date.now(),_this11.conditionsCheck(weight)?(_this11._running+=weight,_this11.storeOptions.reservoir!=null&&(_this11.storeOptions.reservoir-=weight),wait=Math.max(_this11._nextRequest-now,0),_this11._nextRequest=now+wait+_this11.storeOptions.minTime,{success:!0,wait,reservoir:_this11.storeOptions.reservoir}):{success:!1}})()}strategyIsBlock(){return this.storeOptions.strategy===3}__submit__(queueLength,weight){var _this12=this;return _asyncToGenerator2(function*(){var blocked,now,reachedHWM;if(yield _this12.yieldLoop(),_this12.storeOptions.maxConcurrent!=null&&weight>_this12.storeOptions.maxConcurrent)throw new BottleneckError(`Impossible to add a job having a weight of ${weight} to a limiter having a maxConcurrent setting of ${_this12.storeOptions.maxConcurrent}`);return now=Date.now(),reachedHWM=_this12.storeOptions.highWater!=null&&queueLength===_this12.storeOptions.highWater&&!_this12.check(weight,now),blocked=_this12.strategyIsBlock()&&(reachedHWM||_this12.isBlocked(now)),blocked&&(_this12._unblockTime=now+_this12.computePenalty(),_this12._nextRequest=_this12._unblockTime+_this12.storeOptions.minTime,_this12.instance._dropAllQueued()),{reachedHWM,blocked,strategy:_this12.storeOptions.strategy}})()}__free__(index,weight){var _this13=this;return _asyncToGenerator2(function*(){return yield _this13.yieldLoop(),_this13._running-=weight,_this13._done+=weight,_this13.instance._drainAll(_this13.computeCapacity()),{running:_this13._running}})()}};module2.exports=LocalDatastore}});var require_lua=__commonJS({"node_modules/bottleneck/lib/lua.json"(exports2,module2){module2.exports={"blacklist_client.lua":`local blacklist = ARGV[num_static_argv + 1]

if redis.call('zscore', client_last_seen_key, blacklist) then
  redis.call('zadd', client_last_seen_key, 0, blacklist)
end


return {}
`,"check.lua":`local weight = tonumber(ARGV[num_static_argv + 1])

local capacity = process_tick(now, false)['capacity']
local nextRequest = tonumber(redis.call('hget', settings_key, 'nextRequest'))

return conditions_check(capacity, weight) and nextRequest - now <= 0
`,"conditions_check.lua":`local conditions_check = function (capacity, weight)
  return capacity == nil or weight <= capacity
end
`,"current_reservoir.lua":`return process_tick(now, false)['reservoir']
`,"done.lua":`process_tick(now, false)

return tonumber(redis.call('hget', settings_key, 'done'))
`,"free.lua":`local index = ARGV[num_static_argv + 1]

redis.call('zadd', job_expirations_key, 0, index)

return process_tick(now, false)['running']
`,"get_time.lua":`redis.replicate_commands()

local get_time = function ()
  local time = redis.call('time')

  return tonumber(time[1]..string.sub(time[2], 1, 3))
end
`,"group_check.lua":`return not (redis.call('exists', settings_key) == 1)
`,"heartbeat.lua":`process_tick(now, true)
`,"increment_reservoir.lua":`local incr = tonumber(ARGV[num_static_argv + 1])

redis.call('hincrby', settings_key, 'reservoir', incr)

local reservoir = process_tick(now, true)['reservoir']

local groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))
refresh_expiration(0, 0, groupTimeout)

return reservoir
`,"init.lua":`local clear = tonumber(ARGV[num_static_argv + 1])
local limiter_version = ARGV[num_static_argv + 2]
local num_local_argv = num_static_argv + 2

if clear == 1 then
  redis.call('del', unpack(KEYS))
end

if redis.call('exists', settings_key) == 0 then
  -- Create
  local args = {'hmset', settings_key}

  for i = num_local_argv + 1, #ARGV do
    table.insert(args, ARGV[i])
  end

  redis.call(unpack(args))
  redis.call('hmset', settings_key,
    'nextRequest', now,
    'lastReservoirRefresh', now,
    'lastReservoirIncrease', now,
    'running', 0,
    'done', 0,
    'unblockTime', 0,
    'capacityPriorityCounter', 0
  )

else
  -- Apply migrations
  local settings = redis.call('hmget', settings_key,
    'id',
    'version'
  )
  local id = settings[1]
  local current_version = settings[2]

  if current_version ~= limiter_version then
    local version_digits = {}
    for k, v in string.gmatch(current_version, "([^.]+)") do
      table.insert(version_digits, tonumber(k))
    end

    -- 2.10.0
    if version_digits[2] < 10 then
      redis.call('hsetnx', settings_key, 'reservoirRefreshInterval', '')
      redis.call('hsetnx', settings_key, 'reservoirRefreshAmount', '')
      redis.call('hsetnx', settings_key, 'lastReservoirRefresh', '')
      redis.call('hsetnx', settings_key, 'done', 0)
      redis.call('hset', settings_key, 'version', '2.10.0')
    end

    -- 2.11.1
    if version_digits[2] < 11 or (version_digits[2] == 11 and version_digits[3] < 1) then
      if redis.call('hstrlen', settings_key, 'lastReservoirRefresh') == 0 then
        redis.call('hmset', settings_key,
          'lastReservoirRefresh', now,
          'version', '2.11.1'
        )
      end
    end

    -- 2.14.0
    if version_digits[2] < 14 then
      local old_running_key = 'b_'..id..'_running'
      local old_executing_key = 'b_'..id..'_executing'

      if redis.call('exists', old_running_key) == 1 then
        redis.call('rename', old_running_key, job_weights_key)
      end
      if redis.call('exists', old_executing_key) == 1 then
        redis.call('rename', old_executing_key, job_expirations_key)
      end
      redis.call('hset', settings_key, 'version', '2.14.0')
    end

    -- 2.15.2
    if version_digits[2] < 15 or (version_digits[2] == 15 and version_digits[3] < 2) then
      redis.call('hsetnx', settings_key, 'capacityPriorityCounter', 0)
      redis.call('hset', settings_key, 'version', '2.15.2')
    end

    -- 2.17.0
    if version_digits[2] < 17 then
      redis.call('hsetnx', settings_key, 'clientTimeout', 10000)
      redis.call('hset', settings_key, 'version', '2.17.0')
    end

    -- 2.18.0
    if version_digits[2] < 18 then
      redis.call('hsetnx', settings_key, 'reservoirIncreaseInterval', '')
      redis.call('hsetnx', settings_key, 'reservoirIncreaseAmount', '')
      redis.call('hsetnx', settings_key, 'reservoirIncreaseMaximum', '')
      redis.call('hsetnx', settings_key, 'lastReservoirIncrease', now)
      redis.call('hset', settings_key, 'version', '2.18.0')
    end

  end

  process_tick(now, false)
end

local groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))
refresh_expiration(0, 0, groupTimeout)

return {}
`,"process_tick.lua":`local process_tick = function (now, always_publish)

  local compute_capacity = function (maxConcurrent, running, reservoir)
    if maxConcurrent ~= nil and reservoir ~= nil then
      return math.min((maxConcurrent - running), reservoir)
    elseif maxConcurrent ~= nil then
      return maxConcurrent - running
    elseif reservoir ~= nil then
      return reservoir
    else
      return nil
    end
  end

  local settings = redis.call('hmget', settings_key,
    'id',
    'maxConcurrent',
    'running',
    'reservoir',
    'reservoirRefreshInterval',
    'reservoirRefreshAmount',
    'lastReservoirRefresh',
    'reservoirIncreaseInterval',
    'reservoirIncreaseAmount',
    'reservoirIncreaseMaximum',
    'lastReservoirIncrease',
    'capacityPriorityCounter',
    'clientTimeout'
  )
  local id = settings[1]
  local maxConcurrent = tonumber(settings[2])
  local running = tonumber(settings[3])
  local reservoir = tonumber(settings[4])
  local reservoirRefreshInterval = tonumber(settings[5])
  local reservoirRefreshAmount = tonumber(settings[6])
  local lastReservoirRefresh = tonumber(settings[7])
  local reservoirIncreaseInterval = tonumber(settings[8])
  local reservoirIncreaseAmount = tonumber(settings[9])
  local reservoirIncreaseMaximum = tonumber(settings[10])
  local lastReservoirIncrease = tonumber(settings[11])
  local capacityPriorityCounter = tonumber(settings[12])
  local clientTimeout = tonumber(settings[13])

  local initial_capacity = compute_capacity(maxConcurrent, running, reservoir)

  --
  -- Process 'running' changes
  --
  local expired = redis.call('zrangebyscore', job_expirations_key, '-inf', '('..now)

  if #expired > 0 then
    redis.call('zremrangebyscore', job_expirations_key, '-inf', '('..now)

    local flush_batch = function (batch, acc)
      local weights = redis.call('hmget', job_weights_key, unpack(batch))
                      redis.call('hdel',  job_weights_key, unpack(batch))
      local clients = redis.call('hmget', job_clients_key, unpack(batch))
                      redis.call('hdel',  job_clients_key, unpack(batch))

      -- Calculate sum of removed weights
      for i = 1, #weights do
        acc['total'] = acc['total'] + (tonumber(weights[i]) or 0)
      end

      -- Calculate sum of removed weights by client
      local client_weights = {}
      for i = 1, #clients do
        local removed = tonumber(weights[i]) or 0
        if removed > 0 then
          acc['client_weights'][clients[i]] = (acc['client_weights'][clients[i]] or 0) + removed
        end
      end
    end

    local acc = {
      ['total'] = 0,
      ['client_weights'] = {}
    }
    local batch_size = 1000

    -- Compute changes to Zsets and apply changes to Hashes
    for i = 1, #expired, batch_size do
      local batch = {}
      for j = i, math.min(i + batch_size - 1, #expired) do
        table.insert(batch, expired[j])
      end

      flush_batch(batch, acc)
    end

    -- Apply changes to Zsets
    if acc['total'] > 0 then
      redis.call('hincrby', settings_key, 'done', acc['total'])
      running = tonumber(redis.call('hincrby', settings_key, 'running', -acc['total']))
    end

    for client, weight in pairs(acc['client_weights']) do
      redis.call('zincrby', client_running_key, -weight, client)
    end
  end

  --
  -- Process 'reservoir' changes
  --
  local reservoirRefreshActive = reservoirRefreshInterval ~= nil and reservoirRefreshAmount ~= nil
  if reservoirRefreshActive and now >= lastReservoirRefresh + reservoirRefreshInterval then
    reservoir = reservoirRefreshAmount
    redis.call('hmset', settings_key,
      'reservoir', reservoir,
      'lastReservoirRefresh', now
    )
  end

  local reservoirIncreaseActive = reservoirIncreaseInterval ~= nil and reservoirIncreaseAmount ~= nil
  if reservoirIncreaseActive and now >= lastReservoirIncrease + reservoirIncreaseInterval then
    local num_intervals = math.floor((now - lastReservoirIncrease) / reservoirIncreaseInterval)
    local incr = reservoirIncreaseAmount * num_intervals
    if reservoirIncreaseMaximum ~= nil then
      incr = math.min(incr, reservoirIncreaseMaximum - (reservoir or 0))
    end
    if incr > 0 then
      reservoir = (reservoir or 0) + incr
    end
    redis.call('hmset', settings_key,
      'reservoir', reservoir,
      'lastReservoirIncrease', lastReservoirIncrease + (num_intervals * reservoirIncreaseInterval)
    )
  end

  --
  -- Clear unresponsive clients
  --
  local unresponsive = redis.call('zrangebyscore', client_last_seen_key, '-inf', (now - clientTimeout))
  local unresponsive_lookup = {}
  local terminated_clients = {}
  for i = 1, #unresponsive do
    unresponsive_lookup[unresponsive[i]] = true
    if tonumber(redis.call('zscore', client_running_key, unresponsive[i])) == 0 then
      table.insert(terminated_clients, unresponsive[i])
    end
  end
  if #terminated_clients > 0 then
    redis.call('zrem', client_running_key,         unpack(terminated_clients))
    redis.call('hdel', client_num_queued_key,      unpack(terminated_clients))
    redis.call('zrem', client_last_registered_key, unpack(terminated_clients))
    redis.call('zrem', client_last_seen_key,       unpack(terminated_clients))
  end

  --
  -- Broadcast capacity changes
  --
  local final_capacity = compute_capacity(maxConcurrent, running, reservoir)

  if always_publish or (initial_capacity ~= nil and final_capacity == nil) then
    -- always_publish or was not unlimited, now unlimited
    redis.call('publish', 'b_'..id, 'capacity:'..(final_capacity or ''))

  elseif initial_capacity ~= nil and final_capacity ~= nil and final_capacity > initial_capacity then
    -- capacity was increased
    -- send the capacity message to the limiter having the lowest number of running jobs
    -- the tiebreaker is the limiter having not registered a job in the longest time

    local lowest_concurrency_value = nil
    local lowest_concurrency_clients = {}
    local lowest_concurrency_last_registered = {}
    local client_concurrencies = redis.call('zrange', client_running_key, 0, -1, 'withscores')

    for i = 1, #client_concurrencies, 2 do
      local client = client_concurrencies[i]
      local concurrency = tonumber(client_concurrencies[i+1])

      if (
        lowest_concurrency_value == nil or lowest_concurrency_value == concurrency
      ) and (
        not unresponsive_lookup[client]
      ) and (
        tonumber(redis.call('hget', client_num_queued_key, client)) > 0
      ) then
        lowest_concurrency_value = concurrency
        table.insert(lowest_concurrency_clients, client)
        local last_registered = tonumber(redis.call('zscore', client_last_registered_key, client))
        table.insert(lowest_concurrency_last_registered, last_registered)
      end
    end

    if #lowest_concurrency_clients > 0 then
      local position = 1
      local earliest = lowest_concurrency_last_registered[1]

      for i,v in ipairs(lowest_concurrency_last_registered) do
        if v < earliest then
          position = i
          earliest = v
        end
      end

      local next_client = lowest_concurrency_clients[position]
      redis.call('publish', 'b_'..id,
        'capacity-priority:'..(final_capacity or '')..
        ':'..next_client..
        ':'..capacityPriorityCounter
      )
      redis.call('hincrby', settings_key, 'capacityPriorityCounter', '1')
    else
      redis.call('publish', 'b_'..id, 'capacity:'..(final_capacity or ''))
    end
  end

  return {
    ['capacity'] = final_capacity,
    ['running'] = running,
    ['reservoir'] = reservoir
  }
end
`,"queued.lua":`local clientTimeout = tonumber(redis.call('hget', settings_key, 'clientTimeout'))
local valid_clients = redis.call('zrangebyscore', client_last_seen_key, (now - clientTimeout), 'inf')
local client_queued = redis.call('hmget', client_num_queued_key, unpack(valid_clients))

local sum = 0
for i = 1, #client_queued do
  sum = sum + tonumber(client_queued[i])
end

return sum
`,"refresh_expiration.lua":`local refresh_expiration = function (now, nextRequest, groupTimeout)

  if groupTimeout ~= nil then
    local ttl = (nextRequest + groupTimeout) - now

    for i = 1, #KEYS do
      redis.call('pexpire', KEYS[i], ttl)
    end
  end

end
`,"refs.lua":`local settings_key = KEYS[1]
local job_weights_key = KEYS[2]
local job_expirations_key = KEYS[3]
local job_clients_key = KEYS[4]
local client_running_key = KEYS[5]
local client_num_queued_key = KEYS[6]
local client_last_registered_key = KEYS[7]
local client_last_seen_key = KEYS[8]

local now = tonumber(ARGV[1])
local client = ARGV[2]

local num_static_argv = 2
`,"register.lua":`local index = ARGV[num_static_argv + 1]
local weight = tonumber(ARGV[num_static_argv + 2])
local expiration = tonumber(ARGV[num_static_argv + 3])

local state = process_tick(now, false)
local capacity = state['capacity']
local reservoir = state['reservoir']

local settings = redis.call('hmget', settings_key,
  'nextRequest',
  'minTime',
  'groupTimeout'
)
local nextRequest = tonumber(settings[1])
local minTime = tonumber(settings[2])
local groupTimeout = tonumber(settings[3])

if conditions_check(capacity, weight) then

  redis.call('hincrby', settings_key, 'running', weight)
  redis.call('hset', job_weights_key, index, weight)
  if expiration ~= nil then
    redis.call('zadd', job_expirations_key, now + expiration, index)
  end
  redis.call('hset', job_clients_key, index, client)
  redis.call('zincrby', client_running_key, weight, client)
  redis.call('hincrby', client_num_queued_key, client, -1)
  redis.call('zadd', client_last_registered_key, now, client)

  local wait = math.max(nextRequest - now, 0)
  local newNextRequest = now + wait + minTime

  if reservoir == nil then
    redis.call('hset', settings_key,
      'nextRequest', newNextRequest
    )
  else
    reservoir = reservoir - weight
    redis.call('hmset', settings_key,
      'reservoir', reservoir,
      'nextRequest', newNextRequest
    )
  end

  refresh_expiration(now, newNextRequest, groupTimeout)

  return {true, wait, reservoir}

else
  return {false}
end
`,"register_client.lua":`local queued = tonumber(ARGV[num_static_argv + 1])

-- Could have been re-registered concurrently
if not redis.call('zscore', client_last_seen_key, client) then
  redis.call('zadd', client_running_key, 0, client)
  redis.call('hset', client_num_queued_key, client, queued)
  redis.call('zadd', client_last_registered_key, 0, client)
end

redis.call('zadd', client_last_seen_key, now, client)

return {}
`,"running.lua":`return process_tick(now, false)['running']
`,"submit.lua":`local queueLength = tonumber(ARGV[num_static_argv + 1])
local weight = tonumber(ARGV[num_static_argv + 2])

local capacity = process_tick(now, false)['capacity']

local settings = redis.call('hmget', settings_key,
  'id',
  'maxConcurrent',
  'highWater',
  'nextRequest',
  'strategy',
  'unblockTime',
  'penalty',
  'minTime',
  'groupTimeout'
)
local id = settings[1]
local maxConcurrent = tonumber(settings[2])
local highWater = tonumber(settings[3])
local nextRequest = tonumber(settings[4])
local strategy = tonumber(settings[5])
local unblockTime = tonumber(settings[6])
local penalty = tonumber(settings[7])
local minTime = tonumber(settings[8])
local groupTimeout = tonumber(settings[9])

if maxConcurrent ~= nil and weight > maxConcurrent then
  return redis.error_reply('OVERWEIGHT:'..weight..':'..maxConcurrent)
end

local reachedHWM = (highWater ~= nil and queueLength == highWater
  and not (
    conditions_check(capacity, weight)
    and nextRequest - now <= 0
  )
)

local blocked = strategy == 3 and (reachedHWM or unblockTime >= now)

if blocked then
  local computedPenalty = penalty
  if computedPenalty == nil then
    if minTime == 0 then
      computedPenalty = 5000
    else
      computedPenalty = 15 * minTime
    end
  end

  local newNextRequest = now + computedPenalty + minTime

  redis.call('hmset', settings_key,
    'unblockTime', now + computedPenalty,
    'nextRequest', newNextRequest
  )

  local clients_queued_reset = redis.call('hkeys', client_num_queued_key)
  local queued_reset = {}
  for i = 1, #clients_queued_reset do
    table.insert(queued_reset, clients_queued_reset[i])
    table.insert(queued_reset, 0)
  end
  redis.call('hmset', client_num_queued_key, unpack(queued_reset))

  redis.call('publish', 'b_'..id, 'blocked:')

  refresh_expiration(now, newNextRequest, groupTimeout)
end

if not blocked and not reachedHWM then
  redis.call('hincrby', client_num_queued_key, client, 1)
end

return {reachedHWM, blocked, strategy}
`,"update_settings.lua":`local args = {'hmset', settings_key}

for i = num_static_argv + 1, #ARGV do
  table.insert(args, ARGV[i])
end

redis.call(unpack(args))

process_tick(now, true)

local groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))
refresh_expiration(0, 0, groupTimeout)

return {}
`,"validate_client.lua":`if not redis.call('zscore', client_last_seen_key, client) then
  return redis.error_reply('UNKNOWN_CLIENT')
end

redis.call('zadd', client_last_seen_key, now, client)
`,"validate_keys.lua":`if not (redis.call('exists', settings_key) == 1) then
  return redis.error_reply('SETTINGS_KEY_NOT_FOUND')
end
`}}});var require_Scripts=__commonJS({"node_modules/bottleneck/lib/Scripts.js"(exports2){"use strict";var headers,lua,templates;lua=require_lua();headers={refs:lua["refs.lua"],validate_keys:lua["validate_keys.lua"],validate_client:lua["validate_client.lua"],refresh_expiration:lua["refresh_expiration.lua"],process_tick:lua["process_tick.lua"],conditions_check:lua["conditions_check.lua"],get_time:lua["get_time.lua"]};exports2.allKeys=function(id){return[`b_${id}_settings`,`b_${id}_job_weights`,`b_${id}_job_expirations`,`b_${id}_job_clients`,`b_${id}_client_running`,`b_${id}_client_num_queued`,`b_${id}_client_last_registered`,`b_${id}_client_last_seen`]};templates={init:{keys:exports2.allKeys,headers:["process_tick"],refresh_expiration:!0,code:lua["init.lua"]},group_check:{keys:exports2.allKeys,headers:[],refresh_expiration:!1,code:lua["group_check.lua"]},register_client:{keys:exports2.allKeys,headers:["validate_keys"],refresh_expiration:!1,code:lua["register_client.lua"]},blacklist_client:{keys:exports2.allKeys,headers:["validate_keys","validate_client"],refresh_expiration:!1,code:lua["blacklist_client.lua"]},heartbeat:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:lua["heartbeat.lua"]},update_settings:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:lua["update_settings.lua"]},running:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:lua["running.lua"]},queued:{keys:exports2.allKeys,headers:["validate_keys","validate_client"],refresh_expiration:!1,code:lua["queued.lua"]},done:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:lua["done.lua"]},check:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!1,code:lua["check.lua"]},submit:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!0,code:lua["submit.lua"]},register:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!0,code:lua["register.lua"]},free:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:lua["free.lua"]},current_reservoir:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:lua["current_reservoir.lua"]},increment_reservoir:{keys:exports2.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:lua["increment_reservoir.lua"]}};exports2.names=Object.keys(templates);exports2.keys=function(name,id){return templates[name].keys(id)};exports2.payload=function(name){var template;return template=templates[name],Array.prototype.concat(headers.refs,template.headers.map(function(h){return headers[h]}),template.refresh_expiration?headers.refresh_expiration:"",template.code).join(`
`)}}});var require_RedisConnection=__commonJS({"node_modules/bottleneck/lib/RedisConnection.js"(exports,module){"use strict";function asyncGeneratorStep(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var Events,RedisConnection,Scripts,parser;parser=require_parser();Events=require_Events();Scripts=require_Scripts();RedisConnection=function(){class RedisConnection{constructor(options={}){parser.load(options,this.defaults,this),this.Redis==null&&(this.Redis=eval("require")("redis")),this.Events==null&&(this.Events=new Events(this)),this.terminated=!1,this.client==null&&(this.client=this.Redis.createClient(this.clientOptions)),this.subscriber=this.client.duplicate(),this.limiters={},this.shas={},this.ready=this.Promise.all([this._setup(this.client,!1),this._setup(this.subscriber,!0)]).then(()=>this._loadScripts()).then(()=>({client:this.client,subscriber:this.subscriber}))}_setup(client,sub){return client.setMaxListeners(0),new this.Promise((resolve,reject)=>(client.on("error",e=>this.Events.trigger("error",e)),sub&&client.on("message",(channel,message)=>{var ref;return(ref=this.limiters[channel])!=null?ref._store.onMessage(channel,message):void 0}),client.ready?resolve():client.once("ready",resolve)))}_loadScript(name){return new this.Promise((resolve,reject)=>{var payload;return payload=Scripts.payload(name),this.client.multi([["script","load",payload]]).exec((err,replies)=>err!=null?reject(err):(this.shas[name]=replies[0],resolve(replies[0])))})}_loadScripts(){return this.Promise.all(Scripts.names.map(k=>this._loadScript(k)))}__runCommand__(cmd){var _this=this;return _asyncToGenerator(function*(){return yield _this.ready,new _this.Promise((resolve,reject)=>_this.client.multi([cmd]).exec_atomic(function(err,replies){return err!=null?reject(err):resolve(replies[0])}))})()}__addLimiter__(instance){return this.Promise.all([instance.channel(),instance.channel_client()].map(channel=>new this.Promise((resolve,reject)=>{var handler;return handler=chan=>{if(chan===channel)return this.subscriber.removeListener("subscribe",handler),this.limiters[channel]=instance,resolve()},this.subscriber.on("subscribe",handler),this.subscriber.subscribe(channel)})))}__removeLimiter__(instance){var _this2=this;return this.Promise.all([instance.channel(),instance.channel_client()].map((function(){var _ref=_asyncToGenerator(function*(channel){return _this2.terminated||(yield new _this2.Promise((resolve,reject)=>_this2.subscriber.unsubscribe(channel,function(err,chan){if(err!=null)return reject(err);if(chan===channel)return resolve()}))),delete _this2.limiters[channel]});return function(_x){return _ref.apply(this,arguments)}})()))}__scriptArgs__(name,id,args,cb){var keys;return keys=Scripts.keys(name,id),[this.shas[name],keys.length].concat(keys,args,cb)}__scriptFn__(name){return this.client.evalsha.bind(this.client)}disconnect(flush=!0){var i,k,len,ref;for(ref=Object.keys(this.limiters),i=0,len=ref.length;i<len;i++)k=ref[i],clearInterval(this.limiters[k]._store.heartbeat);return this.limiters={},this.terminated=!0,this.client.end(flush),this.subscriber.end(flush),this.Promise.resolve()}}return RedisConnection.prototype.datastore="redis",RedisConnection.prototype.defaults={Redis:null,clientOptions:{},client:null,Promise,Events:null},RedisConnection}.call(void 0);module.exports=RedisConnection}});var require_IORedisConnection=__commonJS({"node_modules/bottleneck/lib/IORedisConnection.js"(exports,module){"use strict";function _slicedToArray(arr,i){return _arrayWithHoles(arr)||_iterableToArrayLimit(arr,i)||_nonIterableRest()}function _nonIterableRest(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function _iterableToArrayLimit(arr,i){var _arr=[],_n=!0,_d=!1,_e=void 0;try{for(var _i=arr[Symbol.iterator](),_s;!(_n=(_s=_i.next()).done)&&(_arr.push(_s.value),!(i&&_arr.length===i));_n=!0);}catch(err){_d=!0,_e=err}finally{try{!_n&&_i.return!=null&&_i.return()}finally{if(_d)throw _e}}return _arr}function _arrayWithHoles(arr){if(Array.isArray(arr))return arr}function asyncGeneratorStep(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var Events,IORedisConnection,Scripts,parser;parser=require_parser();Events=require_Events();Scripts=require_Scripts();IORedisConnection=function(){class IORedisConnection{constructor(options={}){parser.load(options,this.defaults,this),this.Redis==null&&(this.Redis=eval("require")("ioredis")),this.Events==null&&(this.Events=new Events(this)),this.terminated=!1,this.clusterNodes!=null?(this.client=new this.Redis.Cluster(this.clusterNodes,this.clientOptions),this.subscriber=new this.Redis.Cluster(this.clusterNodes,this.clientOptions)):this.client!=null&&this.client.duplicate==null?this.subscriber=new this.Redis.Cluster(this.client.startupNodes,this.client.options):(this.client==null&&(this.client=new this.Redis(this.clientOptions)),this.subscriber=this.client.duplicate()),this.limiters={},this.ready=this.Promise.all([this._setup(this.client,!1),this._setup(this.subscriber,!0)]).then(()=>(this._loadScripts(),{client:this.client,subscriber:this.subscriber}))}_setup(client,sub){return client.setMaxListeners(0),new this.Promise((resolve,reject)=>(client.on("error",e=>this.Events.trigger("error",e)),sub&&client.on("message",(channel,message)=>{var ref;return(ref=this.limiters[channel])!=null?ref._store.onMessage(channel,message):void 0}),client.status==="ready"?resolve():client.once("ready",resolve)))}_loadScripts(){return Scripts.names.forEach(name=>this.client.defineCommand(name,{lua:Scripts.payload(name)}))}__runCommand__(cmd){var _this=this;return _asyncToGenerator(function*(){var _,deleted;yield _this.ready;var _ref=yield _this.client.pipeline([cmd]).exec(),_ref2=_slicedToArray(_ref,1),_ref2$=_slicedToArray(_ref2[0],2);return _=_ref2$[0],deleted=_ref2$[1],deleted})()}__addLimiter__(instance){return this.Promise.all([instance.channel(),instance.channel_client()].map(channel=>new this.Promise((resolve,reject)=>this.subscriber.subscribe(channel,()=>(this.limiters[channel]=instance,resolve())))))}__removeLimiter__(instance){var _this2=this;return[instance.channel(),instance.channel_client()].forEach((function(){var _ref3=_asyncToGenerator(function*(channel){return _this2.terminated||(yield _this2.subscriber.unsubscribe(channel)),delete _this2.limiters[channel]});return function(_x){return _ref3.apply(this,arguments)}})())}__scriptArgs__(name,id,args,cb){var keys;return keys=Scripts.keys(name,id),[keys.length].concat(keys,args,cb)}__scriptFn__(name){return this.client[name].bind(this.client)}disconnect(flush=!0){var i,k,len,ref;for(ref=Object.keys(this.limiters),i=0,len=ref.length;i<len;i++)k=ref[i],clearInterval(this.limiters[k]._store.heartbeat);return this.limiters={},this.terminated=!0,flush?this.Promise.all([this.client.quit(),this.subscriber.quit()]):(this.client.disconnect(),this.subscriber.disconnect(),this.Promise.resolve())}}return IORedisConnection.prototype.datastore="ioredis",IORedisConnection.prototype.defaults={Redis:null,clientOptions:{},clusterNodes:null,client:null,Promise,Events:null},IORedisConnection}.call(void 0);module.exports=IORedisConnection}});var require_RedisDatastore=__commonJS({"node_modules/bottleneck/lib/RedisDatastore.js"(exports2,module2){"use strict";function _slicedToArray2(arr,i){return _arrayWithHoles2(arr)||_iterableToArrayLimit2(arr,i)||_nonIterableRest2()}function _nonIterableRest2(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function _iterableToArrayLimit2(arr,i){var _arr=[],_n=!0,_d=!1,_e=void 0;try{for(var _i=arr[Symbol.iterator](),_s;!(_n=(_s=_i.next()).done)&&(_arr.push(_s.value),!(i&&_arr.length===i));_n=!0);}catch(err){_d=!0,_e=err}finally{try{!_n&&_i.return!=null&&_i.return()}finally{if(_d)throw _e}}return _arr}function _arrayWithHoles2(arr){if(Array.isArray(arr))return arr}function asyncGeneratorStep2(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator2(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var BottleneckError,IORedisConnection2,RedisConnection2,RedisDatastore,parser2;parser2=require_parser();BottleneckError=require_BottleneckError();RedisConnection2=require_RedisConnection();IORedisConnection2=require_IORedisConnection();RedisDatastore=class{constructor(instance,storeOptions,storeInstanceOptions){this.instance=instance,this.storeOptions=storeOptions,this.originalId=this.instance.id,this.clientId=this.instance._randomIndex(),parser2.load(storeInstanceOptions,storeInstanceOptions,this),this.clients={},this.capacityPriorityCounters={},this.sharedConnection=this.connection!=null,this.connection==null&&(this.connection=this.instance.datastore==="redis"?new RedisConnection2({Redis:this.Redis,clientOptions:this.clientOptions,Promise:this.Promise,Events:this.instance.Events}):this.instance.datastore==="ioredis"?new IORedisConnection2({Redis:this.Redis,clientOptions:this.clientOptions,clusterNodes:this.clusterNodes,Promise:this.Promise,Events:this.instance.Events}):void 0),this.instance.connection=this.connection,this.instance.datastore=this.connection.datastore,this.ready=this.connection.ready.then(clients=>(this.clients=clients,this.runScript("init",this.prepareInitSettings(this.clearDatastore)))).then(()=>this.connection.__addLimiter__(this.instance)).then(()=>this.runScript("register_client",[this.instance.queued()])).then(()=>{var base;return typeof(base=this.heartbeat=setInterval(()=>this.runScript("heartbeat",[]).catch(e=>this.instance.Events.trigger("error",e)),this.heartbeatInterval)).unref=="function"&&base.unref(),this.clients})}__publish__(message){var _this=this;return _asyncToGenerator2(function*(){var client,_ref=yield _this.ready;return client=_ref.client,client.publish(_this.instance.channel(),`message:${message.toString()}`)})()}onMessage(channel,message){var _this2=this;return _asyncToGenerator2(function*(){var capacity,counter,data,drained,e,newCapacity,pos,priorityClient,rawCapacity,type;try{pos=message.indexOf(":");var _ref2=[message.slice(0,pos),message.slice(pos+1)];if(type=_ref2[0],data=_ref2[1],type==="capacity")return yield _this2.instance._drainAll(data.length>0?~~data:void 0);if(type==="capacity-priority"){var _data$split=data.split(":"),_data$split2=_slicedToArray2(_data$split,3);return rawCapacity=_data$split2[0],priorityClient=_data$split2[1],counter=_data$split2[2],capacity=rawCapacity.length>0?~~rawCapacity:void 0,priorityClient===_this2.clientId?(drained=yield _this2.instance._drainAll(capacity),newCapacity=capacity!=null?capacity-(drained||0):"",yield _this2.clients.client.publish(_this2.instance.channel(),`capacity-priority:${newCapacity}::${counter}`)):priorityClient===""?(clearTimeout(_this2.capacityPriorityCounters[counter]),delete _this2.capacityPriorityCounters[counter],_this2.instance._drainAll(capacity)):_this2.capacityPriorityCounters[counter]=setTimeout(_asyncToGenerator2(function*(){var e2;try{return delete _this2.capacityPriorityCounters[counter],yield _this2.runScript("blacklist_client",[priorityClient]),yield _this2.instance._drainAll(capacity)}catch(error){return e2=error,_this2.instance.Events.trigger("error",e2)}}),1e3)}else{if(type==="message")return _this2.instance.Events.trigger("message",data);if(type==="blocked")return yield _this2.instance._dropAllQueued()}}catch(error){return e=error,_this2.instance.Events.trigger("error",e)}})()}__disconnect__(flush){return clearInterval(this.heartbeat),this.sharedConnection?this.connection.__removeLimiter__(this.instance):this.connection.disconnect(flush)}runScript(name,args){var _this3=this;return _asyncToGenerator2(function*(){return name==="init"||name==="register_client"||(yield _this3.ready),new _this3.Promise((resolve,reject)=>{var all_args,arr;return all_args=[Date.now(),_this3.clientId].concat(args),_this3.instance.Events.trigger("debug",`Calling Redis script: ${name}.lua`,all_args),arr=_this3.connection.__scriptArgs__(name,_this3.originalId,all_args,function(err,replies){return err!=null?reject(err):resolve(replies)}),_this3.connection.__scriptFn__(name)(...arr)}).catch(e=>e.message==="SETTINGS_KEY_NOT_FOUND"?name==="heartbeat"?_this3.Promise.resolve():_this3.runScript("init",_this3.prepareInitSettings(!1)).then(()=>_this3.runScript(name,args)):e.message==="UNKNOWN_CLIENT"?_this3.runScript("register_client",[_this3.instance.queued()]).then(()=>_this3.runScript(name,args)):_this3.Promise.reject(e))})()}prepareArray(arr){var i,len,results,x;for(results=[],i=0,len=arr.length;i<len;i++)x=arr[i],results.push(x!=null?x.toString():"");return results}prepareObject(obj){var arr,k,v;arr=[];for(k in obj)v=obj[k],arr.push(k,v!=null?v.toString():"");return arr}prepareInitSettings(clear){var args;return args=this.prepareObject(Object.assign({},this.storeOptions,{id:this.originalId,version:this.instance.version,groupTimeout:this.timeout,clientTimeout:this.clientTimeout})),args.unshift(clear?1:0,this.instance.version),args}convertBool(b){return!!b}__updateSettings__(options2){var _this4=this;return _asyncToGenerator2(function*(){return yield _this4.runScript("update_settings",_this4.prepareObject(options2)),parser2.overwrite(options2,options2,_this4.storeOptions)})()}__running__(){return this.runScript("running",[])}__queued__(){return this.runScript("queued",[])}__done__(){return this.runScript("done",[])}__groupCheck__(){var _this5=this;return _asyncToGenerator2(function*(){return _this5.convertBool(yield _this5.runScript("group_check",[]))})()}__incrementReservoir__(incr){return this.runScript("increment_reservoir",[incr])}__currentReservoir__(){return this.runScript("current_reservoir",[])}__check__(weight){var _this6=this;return _asyncToGenerator2(function*(){return _this6.convertBool(yield _this6.runScript("check",_this6.prepareArray([weight])))})()}__register__(index,weight,expiration){var _this7=this;return _asyncToGenerator2(function*(){var reservoir,success,wait,_ref4=yield _this7.runScript("register",_this7.prepareArray([index,weight,expiration])),_ref5=_slicedToArray2(_ref4,3);return success=_ref5[0],wait=_ref5[1],reservoir=_ref5[2],{success:_this7.convertBool(success),wait,reservoir}})()}__submit__(queueLength,weight){var _this8=this;return _asyncToGenerator2(function*(){var blocked,e,maxConcurrent,overweight,reachedHWM,strategy;try{var _ref6=yield _this8.runScript("submit",_this8.prepareArray([queueLength,weight])),_ref7=_slicedToArray2(_ref6,3);return reachedHWM=_ref7[0],blocked=_ref7[1],strategy=_ref7[2],{reachedHWM:_this8.convertBool(reachedHWM),blocked:_this8.convertBool(blocked),strategy}}catch(error){if(e=error,e.message.indexOf("OVERWEIGHT")===0){var _e$message$split=e.message.split(":"),_e$message$split2=_slicedToArray2(_e$message$split,3);throw overweight=_e$message$split2[0],weight=_e$message$split2[1],maxConcurrent=_e$message$split2[2],new BottleneckError(`Impossible to add a job having a weight of ${weight} to a limiter having a maxConcurrent setting of ${maxConcurrent}`)}else throw e}})()}__free__(index,weight){var _this9=this;return _asyncToGenerator2(function*(){var running;return running=yield _this9.runScript("free",_this9.prepareArray([index])),{running}})()}};module2.exports=RedisDatastore}});var require_States=__commonJS({"node_modules/bottleneck/lib/States.js"(exports2,module2){"use strict";var BottleneckError,States;BottleneckError=require_BottleneckError();States=class{constructor(status1){this.status=status1,this._jobs={},this.counts=this.status.map(function(){return 0})}next(id){var current,next;if(current=this._jobs[id],next=current+1,current!=null&&next<this.status.length)return this.counts[current]--,this.counts[next]++,this._jobs[id]++;if(current!=null)return this.counts[current]--,delete this._jobs[id]}start(id){var initial;return initial=0,this._jobs[id]=initial,this.counts[initial]++}remove(id){var current;return current=this._jobs[id],current!=null&&(this.counts[current]--,delete this._jobs[id]),current!=null}jobStatus(id){var ref;return(ref=this.status[this._jobs[id]])!=null?ref:null}statusJobs(status){var k,pos,ref,results,v;if(status!=null){if(pos=this.status.indexOf(status),pos<0)throw new BottleneckError(`status must be one of ${this.status.join(", ")}`);ref=this._jobs,results=[];for(k in ref)v=ref[k],v===pos&&results.push(k);return results}else return Object.keys(this._jobs)}statusCounts(){return this.counts.reduce((acc,v,i)=>(acc[this.status[i]]=v,acc),{})}};module2.exports=States}});var require_Sync=__commonJS({"node_modules/bottleneck/lib/Sync.js"(exports2,module2){"use strict";function asyncGeneratorStep2(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator2(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var DLList,Sync;DLList=require_DLList();Sync=class{constructor(name,Promise2){this.schedule=this.schedule.bind(this),this.name=name,this.Promise=Promise2,this._running=0,this._queue=new DLList}isEmpty(){return this._queue.length===0}_tryToRun(){var _this=this;return _asyncToGenerator2(function*(){var args,cb,error,reject,resolve,returned,task;if(_this._running<1&&_this._queue.length>0){_this._running++;var _this$_queue$shift=_this._queue.shift();return task=_this$_queue$shift.task,args=_this$_queue$shift.args,resolve=_this$_queue$shift.resolve,reject=_this$_queue$shift.reject,cb=yield _asyncToGenerator2(function*(){try{return returned=yield task(...args),function(){return resolve(returned)}}catch(error1){return error=error1,function(){return reject(error)}}})(),_this._running--,_this._tryToRun(),cb()}})()}schedule(task,...args){var promise,reject,resolve;return resolve=reject=null,promise=new this.Promise(function(_resolve,_reject){return resolve=_resolve,reject=_reject}),this._queue.push({task,args,resolve,reject}),this._tryToRun(),promise}};module2.exports=Sync}});var require_version=__commonJS({"node_modules/bottleneck/lib/version.json"(exports2,module2){module2.exports={version:"2.19.5"}}});var require_Group=__commonJS({"node_modules/bottleneck/lib/Group.js"(exports2,module2){"use strict";function _slicedToArray2(arr,i){return _arrayWithHoles2(arr)||_iterableToArrayLimit2(arr,i)||_nonIterableRest2()}function _nonIterableRest2(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function _iterableToArrayLimit2(arr,i){var _arr=[],_n=!0,_d=!1,_e=void 0;try{for(var _i=arr[Symbol.iterator](),_s;!(_n=(_s=_i.next()).done)&&(_arr.push(_s.value),!(i&&_arr.length===i));_n=!0);}catch(err){_d=!0,_e=err}finally{try{!_n&&_i.return!=null&&_i.return()}finally{if(_d)throw _e}}return _arr}function _arrayWithHoles2(arr){if(Array.isArray(arr))return arr}function asyncGeneratorStep2(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator2(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var Events2,Group,IORedisConnection2,RedisConnection2,Scripts2,parser2;parser2=require_parser();Events2=require_Events();RedisConnection2=require_RedisConnection();IORedisConnection2=require_IORedisConnection();Scripts2=require_Scripts();Group=function(){class Group2{constructor(limiterOptions={}){this.deleteKey=this.deleteKey.bind(this),this.limiterOptions=limiterOptions,parser2.load(this.limiterOptions,this.defaults,this),this.Events=new Events2(this),this.instances={},this.Bottleneck=require_Bottleneck(),this._startAutoCleanup(),this.sharedConnection=this.connection!=null,this.connection==null&&(this.limiterOptions.datastore==="redis"?this.connection=new RedisConnection2(Object.assign({},this.limiterOptions,{Events:this.Events})):this.limiterOptions.datastore==="ioredis"&&(this.connection=new IORedisConnection2(Object.assign({},this.limiterOptions,{Events:this.Events}))))}key(key=""){var ref;return(ref=this.instances[key])!=null?ref:(()=>{var limiter;return limiter=this.instances[key]=new this.Bottleneck(Object.assign(this.limiterOptions,{id:`${this.id}-${key}`,timeout:this.timeout,connection:this.connection})),this.Events.trigger("created",limiter,key),limiter})()}deleteKey(key=""){var _this=this;return _asyncToGenerator2(function*(){var deleted,instance;return instance=_this.instances[key],_this.connection&&(deleted=yield _this.connection.__runCommand__(["del",...Scripts2.allKeys(`${_this.id}-${key}`)])),instance!=null&&(delete _this.instances[key],yield instance.disconnect()),instance!=null||deleted>0})()}limiters(){var k,ref,results,v;ref=this.instances,results=[];for(k in ref)v=ref[k],results.push({key:k,limiter:v});return results}keys(){return Object.keys(this.instances)}clusterKeys(){var _this2=this;return _asyncToGenerator2(function*(){var cursor,end,found,i,k,keys,len,next,start;if(_this2.connection==null)return _this2.Promise.resolve(_this2.keys());for(keys=[],cursor=null,start=`b_${_this2.id}-`.length,end=9;cursor!==0;){var _ref=yield _this2.connection.__runCommand__(["scan",cursor??0,"match",`b_${_this2.id}-*_settings`,"count",1e4]),_ref2=_slicedToArray2(_ref,2);for(next=_ref2[0],found=_ref2[1],cursor=~~next,i=0,len=found.length;i<len;i++)k=found[i],keys.push(k.slice(start,-end))}return keys})()}_startAutoCleanup(){var _this3=this,base;return clearInterval(this.interval),typeof(base=this.interval=setInterval(_asyncToGenerator2(function*(){var e,k,ref,results,time,v;time=Date.now(),ref=_this3.instances,results=[];for(k in ref){v=ref[k];try{(yield v._store.__groupCheck__(time))?results.push(_this3.deleteKey(k)):results.push(void 0)}catch(error){e=error,results.push(v.Events.trigger("error",e))}}return results}),this.timeout/2)).unref=="function"?base.unref():void 0}updateSettings(options2={}){if(parser2.overwrite(options2,this.defaults,this),parser2.overwrite(options2,options2,this.limiterOptions),options2.timeout!=null)return this._startAutoCleanup()}disconnect(flush=!0){var ref;if(!this.sharedConnection)return(ref=this.connection)!=null?ref.disconnect(flush):void 0}}return Group2.prototype.defaults={timeout:1e3*60*5,connection:null,Promise,id:"group-key"},Group2}.call(void 0);module2.exports=Group}});var require_Batcher=__commonJS({"node_modules/bottleneck/lib/Batcher.js"(exports2,module2){"use strict";var Batcher,Events2,parser2;parser2=require_parser();Events2=require_Events();Batcher=function(){class Batcher2{constructor(options2={}){this.options=options2,parser2.load(this.options,this.defaults,this),this.Events=new Events2(this),this._arr=[],this._resetPromise(),this._lastFlush=Date.now()}_resetPromise(){return this._promise=new this.Promise((res,rej)=>this._resolve=res)}_flush(){return clearTimeout(this._timeout),this._lastFlush=Date.now(),this._resolve(),this.Events.trigger("batch",this._arr),this._arr=[],this._resetPromise()}add(data){var ret;return this._arr.push(data),ret=this._promise,this._arr.length===this.maxSize?this._flush():this.maxTime!=null&&this._arr.length===1&&(this._timeout=setTimeout(()=>this._flush(),this.maxTime)),ret}}return Batcher2.prototype.defaults={maxTime:null,maxSize:null,Promise},Batcher2}.call(void 0);module2.exports=Batcher}});var require_Bottleneck=__commonJS({"node_modules/bottleneck/lib/Bottleneck.js"(exports2,module2){"use strict";function _slicedToArray2(arr,i){return _arrayWithHoles2(arr)||_iterableToArrayLimit2(arr,i)||_nonIterableRest2()}function _iterableToArrayLimit2(arr,i){var _arr=[],_n=!0,_d=!1,_e=void 0;try{for(var _i=arr[Symbol.iterator](),_s;!(_n=(_s=_i.next()).done)&&(_arr.push(_s.value),!(i&&_arr.length===i));_n=!0);}catch(err){_d=!0,_e=err}finally{try{!_n&&_i.return!=null&&_i.return()}finally{if(_d)throw _e}}return _arr}function _toArray(arr){return _arrayWithHoles2(arr)||_iterableToArray(arr)||_nonIterableRest2()}function _nonIterableRest2(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function _iterableToArray(iter){if(Symbol.iterator in Object(iter)||Object.prototype.toString.call(iter)==="[object Arguments]")return Array.from(iter)}function _arrayWithHoles2(arr){if(Array.isArray(arr))return arr}function asyncGeneratorStep2(gen,resolve,reject,_next,_throw,key,arg){try{var info=gen[key](arg),value=info.value}catch(error){reject(error);return}info.done?resolve(value):Promise.resolve(value).then(_next,_throw)}function _asyncToGenerator2(fn){return function(){var self=this,args=arguments;return new Promise(function(resolve,reject){var gen=fn.apply(self,args);function _next(value){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"next",value)}function _throw(err){asyncGeneratorStep2(gen,resolve,reject,_next,_throw,"throw",err)}_next(void 0)})}}var Bottleneck2,DEFAULT_PRIORITY,Events2,Job,LocalDatastore,NUM_PRIORITIES,Queues,RedisDatastore,States,Sync,parser2,splice=[].splice;NUM_PRIORITIES=10;DEFAULT_PRIORITY=5;parser2=require_parser();Queues=require_Queues();Job=require_Job();LocalDatastore=require_LocalDatastore();RedisDatastore=require_RedisDatastore();Events2=require_Events();States=require_States();Sync=require_Sync();Bottleneck2=function(){class Bottleneck3{constructor(options2={},...invalid){var storeInstanceOptions,storeOptions;this._addToQueue=this._addToQueue.bind(this),this._validateOptions(options2,invalid),parser2.load(options2,this.instanceDefaults,this),this._queues=new Queues(NUM_PRIORITIES),this._scheduled={},this._states=new States(["RECEIVED","QUEUED","RUNNING","EXECUTING"].concat(this.trackDoneStatus?["DONE"]:[])),this._limiter=null,this.Events=new Events2(this),this._submitLock=new Sync("submit",this.Promise),this._registerLock=new Sync("register",this.Promise),storeOptions=parser2.load(options2,this.storeDefaults,{}),this._store=function(){if(this.datastore==="redis"||this.datastore==="ioredis"||this.connection!=null)return storeInstanceOptions=parser2.load(options2,this.redisStoreDefaults,{}),new RedisDatastore(this,storeOptions,storeInstanceOptions);if(this.datastore==="local")return storeInstanceOptions=parser2.load(options2,this.localStoreDefaults,{}),new LocalDatastore(this,storeOptions,storeInstanceOptions);throw new Bottleneck3.prototype.BottleneckError(`Invalid datastore type: ${this.datastore}`)}.call(this),this._queues.on("leftzero",()=>{var ref;return(ref=this._store.heartbeat)!=null&&typeof ref.ref=="function"?ref.ref():void 0}),this._queues.on("zero",()=>{var ref;return(ref=this._store.heartbeat)!=null&&typeof ref.unref=="function"?ref.unref():void 0})}_validateOptions(options2,invalid){if(!(options2!=null&&typeof options2=="object"&&invalid.length===0))throw new Bottleneck3.prototype.BottleneckError("Bottleneck v2 takes a single object argument. Refer to https://github.com/SGrondin/bottleneck#upgrading-to-v2 if you're upgrading from Bottleneck v1.")}ready(){return this._store.ready}clients(){return this._store.clients}channel(){return`b_${this.id}`}channel_client(){return`b_${this.id}_${this._store.clientId}`}publish(message){return this._store.__publish__(message)}disconnect(flush=!0){return this._store.__disconnect__(flush)}chain(_limiter){return this._limiter=_limiter,this}queued(priority){return this._queues.queued(priority)}clusterQueued(){return this._store.__queued__()}empty(){return this.queued()===0&&this._submitLock.isEmpty()}running(){return this._store.__running__()}done(){return this._store.__done__()}jobStatus(id){return this._states.jobStatus(id)}jobs(status){return this._states.statusJobs(status)}counts(){return this._states.statusCounts()}_randomIndex(){return Math.random().toString(36).slice(2)}check(weight=1){return this._store.__check__(weight)}_clearGlobalState(index){return this._scheduled[index]!=null?(clearTimeout(this._scheduled[index].expiration),delete this._scheduled[index],!0):!1}_free(index,job,options2,eventInfo){var _this=this;return _asyncToGenerator2(function*(){var e,running;try{var _ref=yield _this._store.__free__(index,options2.weight);if(running=_ref.running,_this.Events.trigger("debug",`Freed ${options2.id}`,eventInfo),running===0&&_this.empty())return _this.Events.trigger("idle")}catch(error1){return e=error1,_this.Events.trigger("error",e)}})()}_run(index,job,wait){var clearGlobalState,free,run;return job.doRun(),clearGlobalState=this._clearGlobalState.bind(this,index),run=this._run.bind(this,index,job),free=this._free.bind(this,index,job),this._scheduled[index]={timeout:setTimeout(()=>job.doExecute(this._limiter,clearGlobalState,run,free),wait),expiration:job.options.expiration!=null?setTimeout(function(){return job.doExpire(clearGlobalState,run,free)},wait+job.options.expiration):void 0,job}}_drainOne(capacity){return this._registerLock.schedule(()=>{var args,index,next,options2,queue;if(this.queued()===0)return this.Promise.resolve(null);queue=this._queues.getFirst();var _next2=next=queue.first();return options2=_next2.options,args=_next2.args,capacity!=null&&options2.weight>capacity?this.Promise.resolve(null):(this.Events.trigger("debug",`Draining ${options2.id}`,{args,options:options2}),index=this._randomIndex(),this._store.__register__(index,options2.weight,options2.expiration).then(({success,wait,reservoir})=>{var empty;return this.Events.trigger("debug",`Drained ${options2.id}`,{success,args,options:options2}),success?(queue.shift(),empty=this.empty(),empty&&this.Events.trigger("empty"),reservoir===0&&this.Events.trigger("depleted",empty),this._run(index,next,wait),this.Promise.resolve(options2.weight)):this.Promise.resolve(null)}))})}_drainAll(capacity,total=0){return this._drainOne(capacity).then(drained=>{var newCapacity;return drained!=null?(newCapacity=capacity!=null?capacity-drained:capacity,this._drainAll(newCapacity,total+drained)):this.Promise.resolve(total)}).catch(e=>this.Events.trigger("error",e))}_dropAllQueued(message){return this._queues.shiftAll(function(job){return job.doDrop({message})})}stop(options2={}){var done,waitForExecuting;return options2=parser2.load(options2,this.stopDefaults),waitForExecuting=at=>{var finished;return finished=()=>{var counts;return counts=this._states.counts,counts[0]+counts[1]+counts[2]+counts[3]===at},new this.Promise((resolve,reject)=>finished()?resolve():this.on("done",()=>{if(finished())return this.removeAllListeners("done"),resolve()}))},done=options2.dropWaitingJobs?(this._run=function(index,next){return next.doDrop({message:options2.dropErrorMessage})},this._drainOne=()=>this.Promise.resolve(null),this._registerLock.schedule(()=>this._submitLock.schedule(()=>{var k,ref,v;ref=this._scheduled;for(k in ref)v=ref[k],this.jobStatus(v.job.options.id)==="RUNNING"&&(clearTimeout(v.timeout),clearTimeout(v.expiration),v.job.doDrop({message:options2.dropErrorMessage}));return this._dropAllQueued(options2.dropErrorMessage),waitForExecuting(0)}))):this.schedule({priority:NUM_PRIORITIES-1,weight:0},()=>waitForExecuting(1)),this._receive=function(job){return job._reject(new Bottleneck3.prototype.BottleneckError(options2.enqueueErrorMessage))},this.stop=()=>this.Promise.reject(new Bottleneck3.prototype.BottleneckError("stop() has already been called")),done}_addToQueue(job){var _this2=this;return _asyncToGenerator2(function*(){var args,blocked,error,options2,reachedHWM,shifted,strategy;args=job.args,options2=job.options;try{var _ref2=yield _this2._store.__submit__(_this2.queued(),options2.weight);reachedHWM=_ref2.reachedHWM,blocked=_ref2.blocked,strategy=_ref2.strategy}catch(error1){return error=error1,_this2.Events.trigger("debug",`Could not queue ${options2.id}`,{args,options:options2,error}),job.doDrop({error}),!1}return blocked?(job.doDrop(),!0):reachedHWM&&(shifted=strategy===Bottleneck3.prototype.strategy.LEAK?_this2._queues.shiftLastFrom(options2.priority):strategy===Bottleneck3.prototype.strategy.OVERFLOW_PRIORITY?_this2._queues.shiftLastFrom(options2.priority+1):strategy===Bottleneck3.prototype.strategy.OVERFLOW?job:void 0,shifted?.doDrop(),shifted==null||strategy===Bottleneck3.prototype.strategy.OVERFLOW)?(shifted==null&&job.doDrop(),reachedHWM):(job.doQueue(reachedHWM,blocked),_this2._queues.push(job),yield _this2._drainAll(),reachedHWM)})()}_receive(job){return this._states.jobStatus(job.options.id)!=null?(job._reject(new Bottleneck3.prototype.BottleneckError(`A job with the same id already exists (id=${job.options.id})`)),!1):(job.doReceive(),this._submitLock.schedule(this._addToQueue,job))}submit(...args){var cb,fn,job,options2,ref,ref1,task;if(typeof args[0]=="function"){var _ref3,_ref4,_splice$call,_splice$call2;ref=args,_ref3=ref,_ref4=_toArray(_ref3),fn=_ref4[0],args=_ref4.slice(1),_splice$call=splice.call(args,-1),_splice$call2=_slicedToArray2(_splice$call,1),cb=_splice$call2[0],options2=parser2.load({},this.jobDefaults)}else{var _ref5,_ref6,_splice$call3,_splice$call4;ref1=args,_ref5=ref1,_ref6=_toArray(_ref5),options2=_ref6[0],fn=_ref6[1],args=_ref6.slice(2),_splice$call3=splice.call(args,-1),_splice$call4=_slicedToArray2(_splice$call3,1),cb=_splice$call4[0],options2=parser2.load(options2,this.jobDefaults)}return task=(...args2)=>new this.Promise(function(resolve,reject){return fn(...args2,function(...args3){return(args3[0]!=null?reject:resolve)(args3)})}),job=new Job(task,args,options2,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),job.promise.then(function(args2){return typeof cb=="function"?cb(...args2):void 0}).catch(function(args2){return Array.isArray(args2)?typeof cb=="function"?cb(...args2):void 0:typeof cb=="function"?cb(args2):void 0}),this._receive(job)}schedule(...args){var job,options2,task;if(typeof args[0]=="function"){var _args=args,_args2=_toArray(_args);task=_args2[0],args=_args2.slice(1),options2={}}else{var _args3=args,_args4=_toArray(_args3);options2=_args4[0],task=_args4[1],args=_args4.slice(2)}return job=new Job(task,args,options2,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),this._receive(job),job.promise}wrap(fn){var schedule,wrapped;return schedule=this.schedule.bind(this),wrapped=function(...args){return schedule(fn.bind(this),...args)},wrapped.withOptions=function(options2,...args){return schedule(options2,fn,...args)},wrapped}updateSettings(options2={}){var _this3=this;return _asyncToGenerator2(function*(){return yield _this3._store.__updateSettings__(parser2.overwrite(options2,_this3.storeDefaults)),parser2.overwrite(options2,_this3.instanceDefaults,_this3),_this3})()}currentReservoir(){return this._store.__currentReservoir__()}incrementReservoir(incr=0){return this._store.__incrementReservoir__(incr)}}return Bottleneck3.default=Bottleneck3,Bottleneck3.Events=Events2,Bottleneck3.version=Bottleneck3.prototype.version=require_version().version,Bottleneck3.strategy=Bottleneck3.prototype.strategy={LEAK:1,OVERFLOW:2,OVERFLOW_PRIORITY:4,BLOCK:3},Bottleneck3.BottleneckError=Bottleneck3.prototype.BottleneckError=require_BottleneckError(),Bottleneck3.Group=Bottleneck3.prototype.Group=require_Group(),Bottleneck3.RedisConnection=Bottleneck3.prototype.RedisConnection=require_RedisConnection(),Bottleneck3.IORedisConnection=Bottleneck3.prototype.IORedisConnection=require_IORedisConnection(),Bottleneck3.Batcher=Bottleneck3.prototype.Batcher=require_Batcher(),Bottleneck3.prototype.jobDefaults={priority:DEFAULT_PRIORITY,weight:1,expiration:null,id:"<no-id>"},Bottleneck3.prototype.storeDefaults={maxConcurrent:null,minTime:0,highWater:null,strategy:Bottleneck3.prototype.strategy.LEAK,penalty:null,reservoir:null,reservoirRefreshInterval:null,reservoirRefreshAmount:null,reservoirIncreaseInterval:null,reservoirIncreaseAmount:null,reservoirIncreaseMaximum:null},Bottleneck3.prototype.localStoreDefaults={Promise,timeout:null,heartbeatInterval:250},Bottleneck3.prototype.redisStoreDefaults={Promise,timeout:null,heartbeatInterval:5e3,clientTimeout:1e4,Redis:null,clientOptions:{},clusterNodes:null,clearDatastore:!1,connection:null},Bottleneck3.prototype.instanceDefaults={datastore:"local",connection:null,id:"<no-id>",rejectOnDrop:!0,trackDoneStatus:!1,Promise},Bottleneck3.prototype.stopDefaults={enqueueErrorMessage:"This limiter has been stopped and cannot accept new jobs.",dropWaitingJobs:!0,dropErrorMessage:"This limiter has been stopped."},Bottleneck3}.call(void 0);module2.exports=Bottleneck2}});var require_lib=__commonJS({"node_modules/bottleneck/lib/index.js"(exports2,module2){"use strict";module2.exports=require_Bottleneck()}});var import_light=__toESM(require_light(),1),VERSION="0.0.0-development",noop=()=>Promise.resolve();function wrapRequest(state,request,options2){return state.retryLimiter.schedule(doRequest,state,request,options2)}async function doRequest(state,request,options2){let{pathname}=new URL(options2.url,"http://github.test"),isAuth=isAuthRequest(options2.method,pathname),isWrite=!isAuth&&options2.method!=="GET"&&options2.method!=="HEAD",isSearch=options2.method==="GET"&&pathname.startsWith("/search/"),isGraphQL=pathname.startsWith("/graphql"),jobOptions=~~request.retryCount>0?{priority:0,weight:0}:{};state.clustering&&(jobOptions.expiration=1e3*60),(isWrite||isGraphQL)&&await state.write.key(state.id).schedule(jobOptions,noop),isWrite&&state.triggersNotification(pathname)&&await state.notifications.key(state.id).schedule(jobOptions,noop),isSearch&&await state.search.key(state.id).schedule(jobOptions,noop);let req=(isAuth?state.auth:state.global).key(state.id).schedule(jobOptions,request,options2);if(isGraphQL){let res=await req;if(res.data.errors!=null&&res.data.errors.some(error=>error.type==="RATE_LIMITED"))throw Object.assign(new Error("GraphQL Rate Limit Exceeded"),{response:res,data:res.data})}return req}function isAuthRequest(method,pathname){return method==="PATCH"&&/^\/applications\/[^/]+\/token\/scoped$/.test(pathname)||method==="POST"&&(/^\/applications\/[^/]+\/token$/.test(pathname)||/^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname)||pathname==="/login/oauth/access_token")}var triggers_notification_paths_default=["/orgs/{org}/invitations","/orgs/{org}/invitations/{invitation_id}","/orgs/{org}/teams/{team_slug}/discussions","/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments","/repos/{owner}/{repo}/collaborators/{username}","/repos/{owner}/{repo}/commits/{commit_sha}/comments","/repos/{owner}/{repo}/issues","/repos/{owner}/{repo}/issues/{issue_number}/comments","/repos/{owner}/{repo}/issues/{issue_number}/sub_issue","/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority","/repos/{owner}/{repo}/pulls","/repos/{owner}/{repo}/pulls/{pull_number}/comments","/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies","/repos/{owner}/{repo}/pulls/{pull_number}/merge","/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers","/repos/{owner}/{repo}/pulls/{pull_number}/reviews","/repos/{owner}/{repo}/releases","/teams/{team_id}/discussions","/teams/{team_id}/discussions/{discussion_number}/comments"];function routeMatcher(paths){let regex2=`^(?:${paths.map(path=>path.split("/").map(c=>c.startsWith("{")?"(?:.+?)":c).join("/")).map(r=>`(?:${r})`).join("|")})[^/]*$`;return new RegExp(regex2,"i")}var regex=routeMatcher(triggers_notification_paths_default),triggersNotification=regex.test.bind(regex),groups={},createGroups=function(Bottleneck2,common){groups.global=new Bottleneck2.Group({id:"octokit-global",maxConcurrent:10,...common}),groups.auth=new Bottleneck2.Group({id:"octokit-auth",maxConcurrent:1,...common}),groups.search=new Bottleneck2.Group({id:"octokit-search",maxConcurrent:1,minTime:2e3,...common}),groups.write=new Bottleneck2.Group({id:"octokit-write",maxConcurrent:1,minTime:1e3,...common}),groups.notifications=new Bottleneck2.Group({id:"octokit-notifications",maxConcurrent:1,minTime:3e3,...common})};function throttling(octokit,octokitOptions){let{enabled=!0,Bottleneck:Bottleneck2=import_light.default,id="no-id",timeout=1e3*60*2,connection}=octokitOptions.throttle||{};if(!enabled)return{};let common={timeout};typeof connection<"u"&&(common.connection=connection);let state=Object.assign({clustering:connection!=null,triggersNotification,fallbackSecondaryRateRetryAfter:60,retryAfterBaseValue:1e3,id},octokitOptions.throttle);if(typeof state.onSecondaryRateLimit!="function"||typeof state.onRateLimit!="function")throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);let initialized=!1,initializeBottleneck=()=>{if(initialized)return;initialized=!0,groups.global==null&&createGroups(Bottleneck2,common),state.global=state.global??groups.global,state.auth=state.auth??groups.auth,state.search=state.search??groups.search,state.write=state.write??groups.write,state.notifications=state.notifications??groups.notifications,state.retryLimiter=state.retryLimiter??new Bottleneck2;let events={},emitter=new Bottleneck2.Events(events);events.on("secondary-limit",state.onSecondaryRateLimit),events.on("rate-limit",state.onRateLimit),events.on("error",e=>octokit.log.warn("Error in throttling-plugin limit handler",e)),state.retryLimiter.on("failed",async function(error,info){let[state2,request,options2]=info.args,{pathname}=new URL(options2.url,"http://github.test");if(!(pathname.startsWith("/graphql")&&error.status!==401||error.status===403||error.status===429))return;let retryCount=~~request.retryCount;request.retryCount=retryCount,options2.request.retryCount=retryCount;let{wantRetry,retryAfter=0}=await(async function(){if(/\bsecondary rate\b/i.test(error.message)){let retryAfter2=Number(error.response.headers["retry-after"])||state2.fallbackSecondaryRateRetryAfter;return{wantRetry:await emitter.trigger("secondary-limit",retryAfter2,options2,octokit,retryCount),retryAfter:retryAfter2}}if(error.response.headers!=null&&error.response.headers["x-ratelimit-remaining"]==="0"||(error.response.data?.errors??[]).some(error2=>error2.type==="RATE_LIMITED")){let rateLimitReset=new Date(~~error.response.headers["x-ratelimit-reset"]*1e3).getTime(),retryAfter2=Math.max(Math.ceil((rateLimitReset-Date.now())/1e3)+1,0);return{wantRetry:await emitter.trigger("rate-limit",retryAfter2,options2,octokit,retryCount),retryAfter:retryAfter2}}return{}})();if(wantRetry)return request.retryCount++,retryAfter*state2.retryAfterBaseValue})};return octokit.hook.wrap("request",(request,options2)=>(initializeBottleneck(),wrapRequest(state,request,options2))),{}}throttling.VERSION=VERSION;throttling.triggersNotification=triggersNotification;var import_bottleneck=__toESM(require_lib());function nonNegative(value){if(value===void 0||value.trim()==="")return;let parsed=Number(value);return Number.isFinite(parsed)&&parsed>=0?parsed:void 0}function clientTimingFromEnv(env=process.env){return{timeoutMs:nonNegative(env.CTRAIN_GITHUB_TIMEOUT_MS)??6e4,retryUnitMs:nonNegative(env.CTRAIN_GITHUB_RETRY_UNIT_MS)??1e3,writeSpacingMs:nonNegative(env.CTRAIN_GITHUB_WRITE_SPACING_MS)}}var RATE_LIMIT_RETRIES=3,UPLOAD_BYTES_PER_MS=1024**2/1e3;function headerValue(headers,name){if(headers instanceof Headers)return headers.get(name)??void 0;let value=headers?.[name];return value===void 0?void 0:String(value)}function fetchWithDeadline(fetchImpl,timeoutMs){return async(input,init={})=>{let bodyBytes=Number(headerValue(init.headers,"content-length")??0)||0,limitMs=Math.ceil(timeoutMs+bodyBytes/UPLOAD_BYTES_PER_MS),deadline=new AbortController,timer=setTimeout(()=>deadline.abort(new RequestTimeoutError(limitMs)),limitMs),signal=init.signal?AbortSignal.any([init.signal,deadline.signal]):deadline.signal;try{return await fetchImpl(input,{...init,signal})}finally{clearTimeout(timer)}}}function buildOctokit(options2){let log=inertLog(options2.log),timing=options2.timing??clientTimingFromEnv(),spacing=timing.writeSpacingMs,spaced=spacing===void 0?{}:{write:new import_bottleneck.default.Group({maxConcurrent:1,minTime:spacing}),notifications:new import_bottleneck.default.Group({maxConcurrent:1,minTime:spacing})},waitFor=kind=>(retryAfter,request,_octokit,retryCount)=>retryAfter>60||retryCount>=RATE_LIMIT_RETRIES?!1:(log(`GitHub ${kind} hit for ${request.method} ${request.url}; retrying in ${retryAfter}s`),!0),debug2=message=>debug(message),toolkitFetch=defaults.request?.fetch??fetch,client=getOctokit(options2.token,{...options2.baseUrl?{baseUrl:options2.baseUrl}:{},userAgent:"ctrain",log:{debug:debug2,info:debug2,warn:debug2,error:debug2},request:{...defaults.request,fetch:fetchWithDeadline(toolkitFetch,timing.timeoutMs)},retry:{doNotRetry:[400,401,403,404,410,422,429,451],retryAfterBaseValue:timing.retryUnitMs},throttle:{...spaced,retryAfterBaseValue:timing.retryUnitMs,onRateLimit:waitFor("rate limit"),onSecondaryRateLimit:waitFor("secondary rate limit")}},retry,throttling);return client.hook.error("request",error=>{throw faultOf(error)??error}),client}export{buildOctokit};
//# sourceMappingURL=octokit-RZD3334W.js.map
